import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { unpackPgliteTemplate } from './pglite-template.ts';

// A first start on the embedded database gets the build's empty database from a gzipped tarball,
// streamed onto disk. These tarballs are made by the system's tar, as PGlite's own are plain
// ustar too, with names from the root as PGlite writes them.

let scratch = '';
afterEach(() => rmSync(scratch, { recursive: true, force: true }));

function tarball(files: Record<string, Buffer | string>): string {
	scratch = mkdtempSync(path.join(tmpdir(), 'komak-template-'));
	const source = path.join(scratch, 'source');
	for (const [name, body] of Object.entries(files)) {
		mkdirSync(path.dirname(path.join(source, name)), { recursive: true });
		writeFileSync(path.join(source, name), body);
	}
	const file = path.join(scratch, 'template.tar.gz');
	// Named from the root, as PGlite's dumpDataDir names them ("/base/1/2608").
	execFileSync('tar', [
		'czf',
		file,
		'--format=ustar',
		'--absolute-names',
		'--transform=s,^\\./,/,',
		'-C',
		source,
		'.'
	]);
	return file;
}

describe('the embedded database template', { timeout: 20_000 }, () => {
	it('is unpacked file for file into a new data directory', async () => {
		const wal = randomBytes(300_017); // spans several of the stream's chunks, ends mid-block
		const template = tarball({
			PG_VERSION: '17\n',
			'base/1/2608': randomBytes(8192),
			'base/1/2608_fsm': '',
			'pg_wal/000000010000000000000001': wal,
			'global/pg_control': randomBytes(511)
		});
		const dataDir = path.join(scratch, 'data', 'pglite');
		mkdirSync(dataDir, { recursive: true });

		expect(await unpackPgliteTemplate(dataDir, template)).toBe(true);
		expect(readFileSync(path.join(dataDir, 'PG_VERSION'), 'utf8')).toBe('17\n');
		expect(readFileSync(path.join(dataDir, 'pg_wal/000000010000000000000001'))).toEqual(wal);
		expect(readFileSync(path.join(dataDir, 'base/1/2608')).length).toBe(8192);
		expect(readFileSync(path.join(dataDir, 'base/1/2608_fsm')).length).toBe(0);
		expect(readFileSync(path.join(dataDir, 'global/pg_control')).length).toBe(511);
		expect(existsSync(`${dataDir}.unpacking`)).toBe(false);
	});

	it('leaves a directory that already holds a database alone', async () => {
		const template = tarball({ PG_VERSION: '17\n', 'base/1/1': 'template' });
		const dataDir = path.join(scratch, 'pglite');
		mkdirSync(path.join(dataDir, 'base', '1'), { recursive: true });
		writeFileSync(path.join(dataDir, 'PG_VERSION'), '17\n');
		writeFileSync(path.join(dataDir, 'base', '1', '1'), 'the gifts');

		expect(await unpackPgliteTemplate(dataDir, template)).toBe(false);
		expect(readFileSync(path.join(dataDir, 'base', '1', '1'), 'utf8')).toBe('the gifts');
	});

	it('leaves no half database behind when the template is cut short', async () => {
		const template = tarball({ PG_VERSION: '17\n', 'base/1/1': randomBytes(200_000) });
		const whole = readFileSync(template);
		writeFileSync(template, whole.subarray(0, Math.floor(whole.length / 2)));
		const dataDir = path.join(scratch, 'pglite');

		await expect(unpackPgliteTemplate(dataDir, template)).rejects.toThrow();
		expect(existsSync(path.join(dataDir, 'PG_VERSION'))).toBe(false);
		expect(existsSync(`${dataDir}.unpacking`)).toBe(false);
	});
});
