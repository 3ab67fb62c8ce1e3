import {
	existsSync,
	mkdirSync,
	readdirSync,
	readFileSync,
	renameSync,
	rmdirSync,
	rmSync,
	statSync
} from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { extract } from 'tar';

// An empty embedded database made by the build (scripts/pglite-template.ts), named by the PGlite
// version that made it: a template from another version is never opened.
function pgliteVersion(): string {
	const entry = createRequire(import.meta.url).resolve('@electric-sql/pglite');
	const manifest = path.join(path.dirname(entry), '..', 'package.json');
	return (JSON.parse(readFileSync(manifest, 'utf8')) as { version: string }).version;
}

export function pgliteTemplatePath(): string {
	return path.resolve('build', `pglite-template-${pgliteVersion()}.tar.gz`);
}

/**
 * Writes a gzipped tarball's directories and files under `target` as it streams in (the `tar`
 * package), so no more than a chunk of it is ever in memory. PGlite's own `loadDataDir` holds the
 * 40 MB tarball twice over, plus every file, before it writes anything: ~100 MB of buffers left to
 * the collector. Strict: a damaged or cut-short template is an error, never half a database.
 */
async function extractTarball(tarball: string, target: string): Promise<void> {
	await extract({
		file: tarball,
		cwd: target,
		strict: true,
		preserveOwner: false,
		// PGlite names its files from the root ("/base/1/2608"): they belong under `target`.
		onReadEntry: (entry) => {
			entry.path = entry.path.replace(/^\/+/, '');
		}
	});
}

/**
 * A data directory that has no database yet gets the build's empty one, if the build left one
 * (otherwise PGlite runs initdb). Unpacked beside it and moved into place, so an interrupted start
 * never leaves half a database. Returns whether it did.
 */
export async function unpackPgliteTemplate(
	dataDir: string,
	template = pgliteTemplatePath()
): Promise<boolean> {
	if (dataDir.includes('://') || existsSync(path.join(dataDir, 'PG_VERSION'))) return false;
	if (!existsSync(template)) return false;
	const target = path.resolve(dataDir);
	const isEmpty = !existsSync(target) || readdirSync(target).length === 0;
	// A folder made by hand that holds something else, or a volume mounted right there (which
	// cannot be replaced by a rename): fill it in place.
	const isMountPoint =
		existsSync(target) && statSync(target).dev !== statSync(path.dirname(target)).dev;
	if (!isEmpty || isMountPoint) {
		await extractTarball(template, target);
		return true;
	}
	const unpacking = `${target}.unpacking`;
	rmSync(unpacking, { recursive: true, force: true });
	mkdirSync(unpacking, { recursive: true, mode: 0o700 });
	try {
		await extractTarball(template, unpacking);
		if (existsSync(target)) rmdirSync(target);
		renameSync(unpacking, target);
	} catch (error) {
		rmSync(unpacking, { recursive: true, force: true });
		throw error;
	}
	return true;
}
