import { mkdir } from 'node:fs/promises';
import { Kysely, PGliteDialect, PostgresDialect } from 'kysely';
import pg from 'pg';
import Cursor from 'pg-cursor';
import type { Database } from './db-schema.ts';
import { log } from './log.ts';

export type { Database };

export interface DatabaseOptions {
	/** A PostgreSQL connection string; without one, the embedded PGlite database is used. */
	databaseUrl?: string;
	/** Where PGlite keeps its files, or `memory://` for a throwaway database. */
	pgliteDir?: string;
	poolSize?: number;
}

// bigint (int8) carries amounts in minor units. They stay far below 2^53, so numbers are exact
// and the rest of the code never juggles strings or BigInt.
const toNumber = (value: string) => Number(value);
const toNumberArray = (value: string) =>
	value === '{}' ? [] : value.slice(1, -1).split(',').map(Number);

// pg hangs the whole client on its errors; log what a person needs, not the socket state.
const describeError = (err: Error & { code?: string }) => ({
	message: err.message,
	code: err.code
});

class ListenedClient extends pg.Client {
	constructor(config?: string | pg.ClientConfig) {
		super(config);
		this.on('error', (err) => log.warn({ err: describeError(err) }, 'database connection lost'));
	}
}

// PostgreSQL streams a query's rows through a cursor (Kysely's `.stream()`); PGlite cannot, so
// callers that read many rows ask first and page through the rows instead.
const streamingDatabases = new WeakSet<Kysely<Database>>();

/** Whether `.stream()` works on this database (PostgreSQL: yes; PGlite: no). */
export function canStream(db: Kysely<Database>): boolean {
	return streamingDatabases.has(db);
}

export function createDatabase(options: DatabaseOptions = {}): Kysely<Database> {
	if (options.databaseUrl) {
		const pool = new pg.Pool({
			connectionString: options.databaseUrl,
			// Komak's queries are short and many; on a small server, parallel workers and JIT
			// compilation cost more than they save (measured on the admin lists: an amount-range
			// total took 45 ms alone and 140-280 ms with two workers; JIT added up to 200 ms to
			// large scans). The server's own settings stay as they are for other clients.
			options: '-c max_parallel_workers_per_gather=0 -c jit=off',
			Client: ListenedClient,
			max: options.poolSize ?? 10,
			types: {
				getTypeParser(oid: number, format?: 'text' | 'binary') {
					if (oid === 20) return toNumber;
					if (oid === 1016) return toNumberArray;
					// eslint-disable-next-line @typescript-eslint/no-explicit-any
					return pg.types.getTypeParser(oid, format as any);
				}
			} as pg.CustomTypesConfig
		});
		// A connection that breaks (database restart, network fault) must not crash the server:
		// the query in flight fails, the pool drops the connection and the next query opens a new
		// one. Idle connections report on the pool, the others on the client itself.
		pool.on('error', (err) =>
			log.warn({ err: describeError(err) }, 'idle database connection lost')
		);
		const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool, cursor: Cursor }) });
		streamingDatabases.add(db);
		return db;
	}
	const dataDir = options.pgliteDir ?? './data/pglite';
	return new Kysely<Database>({
		dialect: new PGliteDialect({
			pglite: async () => {
				const { PGlite } = await import('@electric-sql/pglite');
				// Supporter search uses trigram indexes; PostgreSQL ships pg_trgm in contrib.
				const { pg_trgm } = await import('@electric-sql/pglite/contrib/pg_trgm');
				// A fresh clone has no ./data yet; PGlite creates only the last folder.
				if (!dataDir.includes('://')) await mkdir(dataDir, { recursive: true });
				return PGlite.create(dataDir, {
					parsers: { 20: toNumber, 1016: toNumberArray },
					extensions: { pg_trgm }
				});
			}
		})
	});
}

/** Which database the environment asks for, described without the password. */
export function describeDatabase(options: DatabaseOptions): string {
	if (!options.databaseUrl) return `embedded PGlite in ${options.pgliteDir ?? './data/pglite'}`;
	const url = new URL(options.databaseUrl);
	return `PostgreSQL at ${url.hostname}:${url.port || 5432}${url.pathname}`;
}

export function databaseOptionsFromEnv(env: Record<string, string | undefined> = process.env) {
	return {
		databaseUrl: env.DATABASE_URL || undefined,
		pgliteDir: env.PGLITE_DIR || undefined
	} satisfies DatabaseOptions;
}
