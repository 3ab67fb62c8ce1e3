import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { expect, test } from '@playwright/test';
import { canReachPostgres } from './database.ts';
import { admin, freePort, freshDatabase, startApp } from './processes.ts';

// On PostgreSQL the secret key must come from the environment: a key file inside a container is
// lost with it, and with it every two-factor secret and tax number it sealed. The embedded
// database keeps its key file beside it.

const isPostgresReachable = await canReachPostgres();
const database = `komak_e2e_db_key_${process.pid}`;

/** `npm start` with this environment (and no secret key unless given); its exit and output. */
async function startWithout(env: Record<string, string>) {
	const inherited = { ...process.env };
	delete inherited.KOMAK_SECRET_KEY;
	delete inherited.KOMAK_OLD_SECRET_KEYS;
	const port = await freePort();
	const app = spawn(process.execPath, [path.resolve('scripts/start.ts')], {
		env: { ...inherited, PORT: String(port), LOG_LEVEL: 'warn', ...env },
		stdio: ['ignore', 'pipe', 'pipe']
	});
	let output = '';
	app.stdout!.on('data', (chunk) => (output += chunk));
	app.stderr!.on('data', (chunk) => (output += chunk));
	// A server that started anyway would never exit by itself.
	const timer = setTimeout(() => app.kill('SIGKILL'), 20_000);
	const [code] = await once(app, 'exit');
	clearTimeout(timer);
	return { code: code as number | null, output };
}

test.describe('the secret key', () => {
	test.describe('on PostgreSQL', () => {
		test.skip(!isPostgresReachable, 'needs PostgreSQL');
		let databaseUrl = '';
		test.beforeAll(async () => {
			databaseUrl = await freshDatabase(database);
		});
		test.afterAll(async () => {
			await admin(`drop database if exists ${database} with (force)`);
		});

		test('without KOMAK_SECRET_KEY the app refuses to start and says how to make one', async () => {
			const { code, output } = await startWithout({ DATABASE_URL: databaseUrl });
			expect(code, output).toBe(1);
			expect(output).toContain('KOMAK_SECRET_KEY is not set');
			expect(output).toContain('openssl rand -base64 32');
			expect(output).not.toContain('Komak is ready');
		});

		test('with a malformed KOMAK_SECRET_KEY the app refuses to start and says what a key is', async () => {
			const { code, output } = await startWithout({
				DATABASE_URL: databaseUrl,
				KOMAK_SECRET_KEY: 'my-secret-password'
			});
			expect(code, output).toBe(1);
			expect(output).toContain('KOMAK_SECRET_KEY must be the base64 of exactly 32 random bytes');
			expect(output).toContain('openssl rand -base64 32');
		});
	});

	test('the embedded database starts without one and keeps a key file beside it', async () => {
		const dir = await mkdtemp(path.join(tmpdir(), 'komak-e2e-key-'));
		const app = await startApp({
			DATABASE_URL: '',
			KOMAK_SECRET_KEY: '',
			PGLITE_DIR: path.join(dir, 'data', 'pglite')
		});
		try {
			expect((await fetch(`${app.url}/healthz`)).status).toBe(200);
			expect(existsSync(path.join(dir, 'data', 'secret.key'))).toBe(true);
		} finally {
			await app.stop();
			await rm(dir, { recursive: true, force: true });
		}
	});
});
