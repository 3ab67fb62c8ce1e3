import {
	closeSync,
	createReadStream,
	existsSync,
	mkdirSync,
	openSync,
	readdirSync,
	readFileSync,
	renameSync,
	rmdirSync,
	rmSync,
	statSync,
	writeSync
} from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { createGunzip } from 'node:zlib';

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

const BLOCK = 512;

/** A field of a tar header: text up to its first NUL. */
function field(header: Buffer, start: number, length: number): string {
	const bytes = header.subarray(start, start + length);
	const end = bytes.indexOf(0);
	return bytes.subarray(0, end === -1 ? length : end).toString('utf8');
}

/**
 * Writes a gzipped tarball's directories and files under `target` as it streams in, so no more
 * than a chunk of it is ever in memory. PGlite's own `loadDataDir` holds the 40 MB tarball twice
 * over, plus every file, before it writes anything: ~100 MB of buffers left to the collector.
 */
async function extractTarball(tarball: string, target: string): Promise<void> {
	let header = Buffer.alloc(0); // a header's first bytes, when it spans two chunks
	let fd: number | null = null; // the file being written
	let remaining = 0; // its bytes still to come (or, with no file open, bytes to skip)
	let padding = 0; // bytes to skip after it, up to the next 512-byte block
	let ended = false;
	for await (const chunk of createReadStream(tarball).pipe(
		createGunzip()
	) as AsyncIterable<Buffer>) {
		let at = 0;
		while (at < chunk.length && !ended) {
			if (remaining > 0) {
				const n = Math.min(remaining, chunk.length - at);
				if (fd !== null) writeSync(fd, chunk, at, n);
				at += n;
				remaining -= n;
				if (remaining === 0 && fd !== null) {
					closeSync(fd);
					fd = null;
				}
			} else if (padding > 0) {
				const n = Math.min(padding, chunk.length - at);
				at += n;
				padding -= n;
			} else {
				const n = Math.min(BLOCK - header.length, chunk.length - at);
				header = Buffer.concat([header, chunk.subarray(at, at + n)]);
				at += n;
				if (header.length < BLOCK) continue;
				const block = header;
				header = Buffer.alloc(0);
				if (block.every((byte) => byte === 0)) {
					ended = true;
					break;
				}
				const prefix = field(block, 345, 155);
				const name = (prefix ? `${prefix}/` : '') + field(block, 0, 100);
				const parts = name.split('/').filter((part) => part && part !== '.');
				if (parts.includes('..')) throw new Error(`The template names a path outside it: ${name}`);
				const size = parseInt(field(block, 124, 12).trim() || '0', 8);
				const mode = parseInt(field(block, 100, 8).trim() || '600', 8) & 0o777;
				const type = String.fromCharCode(block[156] || 48); // '0' file, '5' directory
				const file = path.join(target, ...parts);
				if (type === '5') mkdirSync(file, { recursive: true, mode: mode | 0o700 });
				else if (type === '0') {
					mkdirSync(path.dirname(file), { recursive: true });
					fd = openSync(file, 'w', mode | 0o600);
					if (size === 0) {
						closeSync(fd);
						fd = null;
					}
				}
				remaining = size;
				padding = (BLOCK - (size % BLOCK)) % BLOCK;
			}
		}
		if (ended) break;
	}
	if (fd !== null) closeSync(fd);
	if (!ended && (remaining > 0 || header.length > 0)) throw new Error('The template is cut short');
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
