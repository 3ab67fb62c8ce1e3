import { once } from 'node:events';
import { readFile } from 'node:fs/promises';
import type net from 'node:net';
import { expect, test } from '@playwright/test';
import { adminUrl, canReachPostgres } from './database.ts';
import { admin, startApp, startRelay } from './processes.ts';
import { createTestStaff, signInWithForm } from './staff.ts';

// The built server on its own database, reached through a TCP relay that the test can cut, as a
// database failover or network fault would.

const database = 'komak_e2e_operations';

const isPostgresReachable = await canReachPostgres();

test.describe('operations', () => {
	test.skip(!isPostgresReachable, 'needs PostgreSQL');

	test('health check turns 503 when the database is unreachable and 200 again when it is back', async () => {
		await admin(`drop database if exists ${database} with (force)`);
		await admin(`create database ${database}`);
		const target = new URL(adminUrl);
		let relay = startRelay(target);
		relay.server.listen(0, '127.0.0.1');
		await once(relay.server, 'listening');
		const relayPort = (relay.server.address() as net.AddressInfo).port;
		const databaseUrl = new URL(adminUrl);
		databaseUrl.host = `127.0.0.1:${relayPort}`;
		databaseUrl.pathname = `/${database}`;

		const { app, url, output } = await startApp({ DATABASE_URL: databaseUrl.toString() });
		try {
			expect((await fetch(`${url}/healthz`)).status).toBe(200);

			relay.cut();
			const down = await fetch(`${url}/healthz`);
			expect(down.status).toBe(503);
			expect(await down.json()).toEqual({ status: 'unavailable', database: 'unreachable' });

			relay = startRelay(target);
			relay.server.listen(relayPort, '127.0.0.1');
			await once(relay.server, 'listening');
			await expect
				.poll(async () => (await fetch(`${url}/healthz`)).status, { timeout: 10_000 })
				.toBe(200);

			// Every request logs one JSON line with its request id.
			const response = await fetch(`${url}/healthz`, {
				headers: { 'x-request-id': 'trace-me-42' }
			});
			expect(response.headers.get('x-request-id')).toBe('trace-me-42');
			await expect.poll(() => output()).toContain('"requestId":"trace-me-42"');
			const line = output()
				.split('\n')
				.find((l) => l.includes('"requestId":"trace-me-42"'))!;
			expect(JSON.parse(line)).toMatchObject({ path: '/healthz', status: 200, method: 'GET' });
		} catch (error) {
			throw new Error(`${error}\n--- app output ---\n${output()}`, { cause: error });
		} finally {
			app.kill('SIGTERM');
			relay.cut();
		}
	});

	test('pages answer with the error page within seconds when the database goes silent', async () => {
		test.setTimeout(90_000);
		const silentDatabase = `komak_e2e_db_silent_${process.pid}`;
		await admin(`drop database if exists ${silentDatabase} with (force)`);
		await admin(`create database ${silentDatabase}`);
		const relay = startRelay(new URL(adminUrl));
		relay.server.listen(0, '127.0.0.1');
		await once(relay.server, 'listening');
		const databaseUrl = new URL(adminUrl);
		databaseUrl.host = `127.0.0.1:${(relay.server.address() as net.AddressInfo).port}`;
		databaseUrl.pathname = `/${silentDatabase}`;

		const { url, output, stop } = await startApp({
			DATABASE_URL: databaseUrl.toString(),
			DATABASE_STATEMENT_TIMEOUT_MS: '3000'
		});
		try {
			// Open connections that go quiet, and new ones accepted and never answered.
			relay.silence();
			const healthStarted = Date.now();
			expect((await fetch(`${url}/healthz`)).status).toBe(503);
			expect(Date.now() - healthStarted).toBeLessThan(5_000);
			// The sign-in page itself needs no database; signing in does.
			const signIn = new URLSearchParams({ email: 'laila@example.org', password: 'x'.repeat(12) });
			const requests: [string, RequestInit, boolean][] = [
				['/', {}, true],
				['/admin/sign-in', {}, false],
				['/admin/sign-in', { method: 'POST', headers: { origin: url }, body: signIn }, true]
			];
			for (const [path, init, isError] of requests) {
				const name = `${init.method ?? 'GET'} ${path}`;
				const started = Date.now();
				const response = await fetch(`${url}${path}`, {
					...init,
					signal: AbortSignal.timeout(20_000)
				});
				expect(Date.now() - started, name).toBeLessThan(15_000);
				expect(response.status >= 500, name).toBe(isError);
				if (isError) expect(await response.text(), name).toContain('Something went wrong');
			}
		} catch (error) {
			throw new Error(`${error}\n--- app output ---\n${output()}`, { cause: error });
		} finally {
			relay.cut();
			await stop();
			await admin(`drop database if exists ${silentDatabase} with (force)`);
		}
	});

	test('SIGTERM lets the server finish and close the database pool', async () => {
		await admin(`drop database if exists ${database}_stop with (force)`);
		await admin(`create database ${database}_stop`);
		const databaseUrl = new URL(adminUrl);
		databaseUrl.pathname = `/${database}_stop`;
		const { app, output } = await startApp({ DATABASE_URL: databaseUrl.toString() });
		app.kill('SIGTERM');
		const [code] = await once(app, 'exit');
		expect(code).toBe(0);
		expect(output()).toContain('"msg":"shutting down"');
		await admin(`drop database if exists ${database}_stop with (force)`);
	});

	test('SIGTERM stops the server at once after staff exported the lists', async ({ page }) => {
		await admin(`drop database if exists ${database}_export with (force)`);
		await admin(`create database ${database}_export`);
		const databaseUrl = new URL(adminUrl);
		databaseUrl.pathname = `/${database}_export`;
		const { app, url, output } = await startApp({ DATABASE_URL: databaseUrl.toString() });
		try {
			const staff = await createTestStaff('admin', { databaseUrl: databaseUrl.toString() });
			await signInWithForm(page, staff, '/admin/supporters', url);
			for (const list of ['supporters', 'contributions']) {
				await page.goto(`${url}/admin/${list}`);
				const download = page.waitForEvent('download');
				await page.getByRole('link', { name: 'Export for Excel' }).click();
				expect(await readFile((await (await download).path())!, 'utf8')).toContain('\n');
			}
			// The exports read through a cursor: nothing of theirs may keep the process alive.
			const exited = once(app, 'exit');
			app.kill('SIGTERM');
			const [code] = await Promise.race([
				exited,
				new Promise<never>((_, reject) =>
					setTimeout(
						() => reject(new Error(`still running 10 s after SIGTERM:\n${output()}`)),
						10_000
					)
				)
			]);
			expect(code).toBe(0);
		} finally {
			if (app.exitCode === null) app.kill('SIGKILL');
			await admin(`drop database if exists ${database}_export with (force)`);
		}
	});
});
