import type { Kysely } from 'kysely';
import {
	createDatabase,
	databaseOptionsFromEnv,
	describeDatabase,
	type Database
} from './connection.ts';
import { migrateToLatest } from './migrate.ts';
import { log } from '../log.ts';

// The one Kysely instance of this server process, chosen by DATABASE_URL at start.
let instance: Kysely<Database> | undefined;

export function getDatabase(): Kysely<Database> {
	instance ??= createDatabase(databaseOptionsFromEnv());
	return instance;
}

/** Run at start: brings the schema up to date before the first request is served. */
export async function prepareDatabase(): Promise<void> {
	const options = databaseOptionsFromEnv();
	// A migration may index every gift or wait for another instance's migrations: on PostgreSQL
	// it gets a connection with no statement timeout. PGlite keeps its one instance.
	const migrationDb = options.databaseUrl
		? createDatabase({ ...options, statementTimeoutMs: 0, poolSize: 1 })
		: getDatabase();
	let results;
	try {
		results = await migrateToLatest(migrationDb);
	} finally {
		if (migrationDb !== getDatabase()) await migrationDb.destroy();
	}
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
