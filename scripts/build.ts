// `npm run build`: builds the app with Vite and notes a fingerprint of everything the build reads.
// `npm start` runs it with --if-needed, which skips the build (tens of seconds on a small machine)
// when build/ was made from exactly the same sources, settings and installed packages.
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';

const root = path.resolve(import.meta.dirname, '..');
const fingerprintFile = path.join(root, 'build', '.sources-fingerprint');
const inputs = [
	'src',
	'static',
	'messages',
	'project.inlang/settings.json',
	'svelte.config.js',
	'vite.config.ts',
	'tsconfig.json',
	'package.json',
	'package-lock.json',
	'node_modules/.package-lock.json'
];
// Paraglide writes src/lib/paraglide from messages/ during the build.
const generated = new Set([path.join(root, 'src', 'lib', 'paraglide')]);

function* files(entry: string): Generator<string> {
	if (generated.has(entry) || !existsSync(entry)) return;
	if (statSync(entry).isDirectory()) {
		for (const name of readdirSync(entry).sort()) yield* files(path.join(entry, name));
	} else {
		yield entry;
	}
}

function fingerprint(): string {
	const hash = createHash('sha256');
	for (const input of inputs) {
		for (const file of files(path.join(root, input))) {
			hash.update(path.relative(root, file)).update('\0').update(readFileSync(file)).update('\0');
		}
	}
	return hash.digest('hex');
}

const before = fingerprint();
const isBuilt = existsSync(path.join(root, 'build', 'handler.js'));
if (
	process.argv.includes('--if-needed') &&
	isBuilt &&
	existsSync(fingerprintFile) &&
	readFileSync(fingerprintFile, 'utf8') === before
) {
	console.log('build/ is up to date with the sources; not building again.');
	process.exit(0);
}

const vite = spawnSync(
	process.execPath,
	[path.join(root, 'node_modules', 'vite', 'bin', 'vite.js'), 'build'],
	{
		cwd: root,
		stdio: 'inherit'
	}
);
if (vite.status !== 0) process.exit(vite.status ?? 1);
const template = spawnSync(
	process.execPath,
	['--liftoff-only', path.join(root, 'scripts', 'pglite-template.ts')],
	{ cwd: root, stdio: 'inherit' }
);
if (template.status !== 0) process.exit(template.status ?? 1);
// Only a build whose sources did not change while it ran may be trusted later.
if (fingerprint() === before) writeFileSync(fingerprintFile, before);
