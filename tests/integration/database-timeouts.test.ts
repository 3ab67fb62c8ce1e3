import { once } from 'node:events';
import type net from 'node:net';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseSupporterFilters } from '../../src/lib/lists/filters.ts';
import { createDatabase } from '../../src/lib/server/db/connection.ts';
import { supportersCsv } from '../../src/lib/server/lists/exports.ts';
import { migrateToLatest } from '../../src/lib/server/db/migrate.ts';
import { startRelay } from '../e2e/processes.ts';
import { adminUrl } from '../postgres.ts';
import { createPostgresTestDatabase, postgresAvailable, type TestDatabase } from './databases.ts';

// A statement must not outlive its use: the server cancels it after the statement timeout even
// when its client is gone, and a silent database answers the app with an error, not a hang.

const STATEMENT_TIMEOUT_MS = 1000;

/** The statements running on the server whose text contains `marker`. */
async function runningStatements(marker: string): Promise<number> {
	const db = createDatabase({ databaseUrl: adminUrl, poolSize: 1 });
	try {
		const { rows } = await sql<{ count: number }>`
			select count(*)::int as count from pg_stat_activity
			where state = 'active' and query like ${`%${marker}%`} and pid <> pg_backend_pid()`.execute(db);
		return rows[0].count;
	} finally {
		await db.destroy();
	}
}

async function waitFor(check: () => Promise<boolean>, timeoutMs: number): Promise<boolean> {
	const deadline = Date.now() + timeoutMs;
	while (Date.now() < deadline) {
		if (await check()) return true;
		await new Promise((resolve) => setTimeout(resolve, 100));
	}
	return false;
}

async function listeningRelay(url: string) {
	const relay = startRelay(new URL(adminUrl));
	relay.server.listen(0, '127.0.0.1');
	await once(relay.server, 'listening');
	const relayed = new URL(url);
	relayed.host = `127.0.0.1:${(relay.server.address() as net.AddressInfo).port}`;
	return { relay, url: relayed.toString() };
}

describe.skipIf(!postgresAvailable)('database timeouts on PostgreSQL', () => {
	let test: TestDatabase & { url: string };

	beforeAll(async () => {
		test = await createPostgresTestDatabase({ statementTimeoutMs: STATEMENT_TIMEOUT_MS });
		await migrateToLatest(test.db);
	});
	afterAll(async () => {
		await test?.drop();
	});

	it('cancels a statement that runs past the statement timeout', async () => {
		const started = Date.now();
		const error = await sql`select pg_sleep(60) -- komak-timeout-test`
			.execute(test.db)
			.catch((err: Error & { code?: string }) => err);
		expect(error).toMatchObject({ code: '57014' }); // query_canceled
		expect(Date.now() - started).toBeLessThan(STATEMENT_TIMEOUT_MS + 2000);
		expect(await runningStatements('komak-timeout-test')).toBe(0);
	});

	it('stops a statement within the statement timeout once its client is gone', async () => {
		const { relay, url } = await listeningRelay(test.url);
		const db = createDatabase({
			databaseUrl: url,
			poolSize: 1,
			statementTimeoutMs: STATEMENT_TIMEOUT_MS * 3
		});
		try {
			const sleeping = sql`select pg_sleep(60) -- komak-client-gone`.execute(db).catch(() => {});
			expect(
				await waitFor(async () => (await runningStatements('komak-client-gone')) > 0, 5000)
			).toBe(true);
			const gone = Date.now();
			relay.cut();
			await sleeping;
			expect(
				await waitFor(async () => (await runningStatements('komak-client-gone')) === 0, 10_000)
			).toBe(true);
			expect(Date.now() - gone).toBeLessThan(STATEMENT_TIMEOUT_MS * 3 + 1500);
		} finally {
			relay.cut();
			await db.destroy();
		}
	});

	it('answers with an error within seconds when the database goes silent, then reconnects', async () => {
		const { relay, url } = await listeningRelay(test.url);
		const db = createDatabase({ databaseUrl: url, poolSize: 2, statementTimeoutMs: 1000 });
		try {
			await sql`select 1`.execute(db);
			relay.silence();
			// The open connection: nothing comes back, the client's read timeout answers.
			let started = Date.now();
			await expect(sql`select 1`.execute(db)).rejects.toThrow('Query read timeout');
			expect(Date.now() - started).toBeLessThan(5000);
			// A new connection: accepted and never answered, the connect timeout answers.
			started = Date.now();
			await expect(sql`select 1`.execute(db)).rejects.toThrow(/timeout/);
			expect(Date.now() - started).toBeLessThan(8000);
		} finally {
			relay.cut();
			await db.destroy();
		}
	});

	it('streams an export for longer than the statement timeout', async () => {
		await sql`insert into supporter (name, email)
			select 'Supporter ' || n, 'supporter' || n || '@example.org' from generate_series(1, 600) n`.execute(
			test.db
		);
		const { filters } = parseSupporterFilters(new URLSearchParams());
		const started = Date.now();
		let text = '';
		for await (const chunk of supportersCsv(test.db, filters)) {
			text += Buffer.from(chunk).toString('utf8');
			// A slow download: the cursor waits between reads.
			await new Promise((resolve) => setTimeout(resolve, 400));
		}
		expect(Date.now() - started).toBeGreaterThan(STATEMENT_TIMEOUT_MS);
		expect(text.trim().split('\n')).toHaveLength(601);
	});
});
