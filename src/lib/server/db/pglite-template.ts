import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';

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

/** The template for a data directory that has no database yet, if the build left one. */
export function pgliteTemplateFor(dataDir: string): Blob | undefined {
	if (dataDir.includes('://') || existsSync(path.join(dataDir, 'PG_VERSION'))) return undefined;
	const template = pgliteTemplatePath();
	return existsSync(template) ? new Blob([readFileSync(template)]) : undefined;
}
