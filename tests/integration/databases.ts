import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pg from 'pg';
import type { Kysely } from 'kysely';
import { createDatabase, type Database } from '../../src/lib/server/db.ts';

// Integration tests run against both engines Komak supports: a real PostgreSQL server (a fresh
// database per suite, dropped afterwards) and the embedded PGlite.

export const adminUrl =
	process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

export async function isPostgresReachable(): Promise<boolean> {
	const client = new pg.Client({ connectionString: adminUrl, connectionTimeoutMillis: 2000 });
	try {
		await client.connect();
		return true;
	} catch {
		return false;
	} finally {
		await client.end().catch(() => {});
	}
}

export interface TestDatabase {
	db: Kysely<Database>;
	drop(): Promise<void>;
}

async function withAdmin(statement: string) {
	const client = new pg.Client({ connectionString: adminUrl });
	await client.connect();
	try {
		await client.query(statement);
	} finally {
		await client.end();
	}
}

export async function createPostgresTestDatabase(): Promise<TestDatabase> {
	const name = `komak_test_${process.pid}_${Date.now().toString(36)}`;
	await withAdmin(`create database ${name}`);
	const url = new URL(adminUrl);
	url.pathname = `/${name}`;
	const db = createDatabase({ databaseUrl: url.toString(), poolSize: 5 });
	return {
		db,
		async drop() {
			await db.destroy();
			await withAdmin(`drop database if exists ${name} with (force)`);
		}
	};
}

export async function createPgliteTestDatabase(): Promise<TestDatabase> {
	// A real directory, as `npm start` uses, rather than memory://; nested, as ./data/pglite is.
	const dir = await mkdtemp(path.join(tmpdir(), 'komak-pglite-'));
	const db = createDatabase({ pgliteDir: path.join(dir, 'data', 'pglite') });
	return {
		db,
		async drop() {
			await db.destroy();
			await rm(dir, { recursive: true, force: true });
		}
	};
}

export const postgresAvailable = await isPostgresReachable();
if (!postgresAvailable) {
	const message = `PostgreSQL at ${new URL(adminUrl).host} does not answer: its integration tests are skipped.`;
	if (process.env.CI) throw new Error(message);
	console.warn(message);
}

export const engines = [
	{ name: 'PostgreSQL', create: createPostgresTestDatabase, available: postgresAvailable },
	{ name: 'PGlite', create: createPgliteTestDatabase, available: true }
];
