import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Kysely } from 'kysely';
import {
	createDatabase,
	type Database,
	type DatabaseOptions
} from '../../src/lib/server/db/connection.ts';
import { adminUrl, canReachPostgres, databaseUrl, runAsAdmin } from '../postgres.ts';

// Integration tests run against both engines Komak supports: a real PostgreSQL server (a fresh
// database per suite, dropped afterwards) and the embedded PGlite.

export { adminUrl };

export interface TestDatabase {
	db: Kysely<Database>;
	drop(): Promise<void>;
}

export async function createPostgresTestDatabase(
	options: Omit<DatabaseOptions, 'databaseUrl'> = {}
): Promise<TestDatabase & { url: string }> {
	const name = `komak_test_${process.pid}_${Date.now().toString(36)}`;
	await runAsAdmin(`create database ${name}`);
	const url = databaseUrl(name);
	const db = createDatabase({ databaseUrl: url, poolSize: 5, ...options });
	return {
		db,
		url,
		async drop() {
			await db.destroy();
			await runAsAdmin(`drop database if exists ${name} with (force)`);
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

export const postgresAvailable = await canReachPostgres();
if (!postgresAvailable) {
	const message = `PostgreSQL at ${new URL(adminUrl).host} does not answer: its integration tests are skipped.`;
	if (process.env.CI) throw new Error(message);
	console.warn(message);
}

export const engines = [
	{ name: 'PostgreSQL', create: createPostgresTestDatabase, available: postgresAvailable },
	{ name: 'PGlite', create: createPgliteTestDatabase, available: true }
];
