import type { Kysely } from 'kysely';
import { createDatabase, databaseOptionsFromEnv, describeDatabase, type Database } from './db.ts';
import { migrateToLatest } from './migrate.ts';
import { log } from './log.ts';

// The one Kysely instance of this server process, chosen by DATABASE_URL at start.
let instance: Kysely<Database> | undefined;

export function getDatabase(): Kysely<Database> {
	instance ??= createDatabase(databaseOptionsFromEnv());
	return instance;
}

/** Run at start: brings the schema up to date before the first request is served. */
export async function prepareDatabase(): Promise<void> {
	const options = databaseOptionsFromEnv();
	const results = await migrateToLatest(getDatabase());
	log.info(
		{ database: describeDatabase(options), applied: results.map((r) => r.migrationName) },
		'database ready'
	);
}

export async function closeDatabase(): Promise<void> {
	const db = instance;
	instance = undefined;
	await db?.destroy();
}
