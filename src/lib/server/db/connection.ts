import { EventEmitter } from 'node:events';
import { mkdir } from 'node:fs/promises';
import { Kysely, PGliteDialect, PostgresDialect, sql } from 'kysely';
import pg from 'pg';
import Cursor from 'pg-cursor';
import type { Database } from './schema.ts';
import { config, DEFAULT_STATEMENT_TIMEOUT_MS, type Config } from '../config.ts';
import { log } from '../log.ts';
import { unpackPgliteTemplate } from './pglite-template.ts';

export type { Database };

export interface DatabaseOptions {
	/** A PostgreSQL connection string; without one, the embedded PGlite database is used. */
	databaseUrl?: string;
	/** Where PGlite keeps its files, or `memory://` for a throwaway database. */
	pgliteDir?: string;
	poolSize?: number;
	/**
	 * PostgreSQL only: how long one statement may run before the server cancels it; 0 for no
	 * limit (migrations, seeding). Default DEFAULT_STATEMENT_TIMEOUT_MS.
	 */
	statementTimeoutMs?: number;
}

// A silent database (a proxy that accepts connections and never answers, a frozen host) must
// not hang requests, and a statement must not run on after its client is gone:
// - opening a connection, and waiting for a free one in the pool, gives up after 5 s;
// - the server cancels any statement after statement_timeout; the client's own read timeout,
//   a little longer, only fires when the server says nothing at all, and closes that connection;
// - a transaction left idle (a stuck request) ends with its session after a minute;
// - TCP keepalives, set on both ends, find a peer that vanished without closing the connection.
// So a statement whose client is gone stops within statement_timeout (PostgreSQL does not watch
// the socket while a statement runs), and its session ends once the server's keepalive or a
// failed write finds the client gone.
const CONNECT_TIMEOUT_MS = 5_000;
const READ_TIMEOUT_GRACE_MS = 2_000;
const IDLE_IN_TRANSACTION_TIMEOUT_MS = 60_000;
const KEEPALIVE_IDLE_SECONDS = 30;
// A CSV export streams from one cursor at the pace of its download: a large list over a slow
// line takes many minutes, so its transaction allows an hour (streamLongRead).
export const LONG_READ_TIMEOUT_MS = 60 * 60_000;
const READ_TIMEOUT_MESSAGE = 'Query read timeout'; // pg's, for query_timeout
const ignoreError = () => {};

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

	// After pg's read timeout the server may still answer later, or never: the connection is
	// closed (end() marks it so the pool drops it), rather than queue the next query behind it.
	// eslint-disable-next-line @typescript-eslint/no-explicit-any
	override query(...args: any[]): any {
		const result = Reflect.apply(super.query, this, args);
		const closeIfSilent = (err: Error) => {
			if (err?.message !== READ_TIMEOUT_MESSAGE) return;
			log.warn('the database did not answer in time; closing the connection');
			this.end().catch(ignoreError);
		};
		if (result instanceof Promise) result.catch(closeIfSilent);
		else if (result instanceof EventEmitter) result.on('error', closeIfSilent);
		return result;
	}
}

// Rows read from a cursor come as fast as the consumer takes them, so the read timeout meant
// for one statement does not fit; the long read's transaction sets the server's own.
// pg arms that timeout as a timer it clears through the query's `callback`, which a cursor never
// calls: the timer would outlive the export by an hour and keep the process from exiting on
// SIGTERM. The cursor calls it when the query is over (read to the end or closed early: 'end';
// or failed).
class LongReadCursor<Row> extends Cursor<Row> {
	query_timeout = LONG_READ_TIMEOUT_MS + READ_TIMEOUT_GRACE_MS;
	declare callback?: (error: Error | null) => void;

	constructor(...args: ConstructorParameters<typeof Cursor<Row>>) {
		super(...args);
		this.once('end', () => this.callback?.(null));
		this.once('error', (error: Error) => this.callback?.(error));
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
		const statementTimeoutMs = options.statementTimeoutMs ?? DEFAULT_STATEMENT_TIMEOUT_MS;
		const pool = new pg.Pool({
			connectionString: options.databaseUrl,
			// Komak's queries are short and many; on a small server, parallel workers and JIT
			// compilation cost more than they save (measured on the admin lists: an amount-range
			// total took 45 ms alone and 140-280 ms with two workers; JIT added up to 200 ms to
			// large scans). The server's own settings stay as they are for other clients.
			// The server's keepalives end the session of a client that vanished (see above).
			options: `-c max_parallel_workers_per_gather=0 -c jit=off -c tcp_keepalives_idle=${KEEPALIVE_IDLE_SECONDS} -c tcp_keepalives_interval=10 -c tcp_keepalives_count=3`,
			statement_timeout: statementTimeoutMs || false,
			query_timeout: statementTimeoutMs ? statementTimeoutMs + READ_TIMEOUT_GRACE_MS : undefined,
			idle_in_transaction_session_timeout: IDLE_IN_TRANSACTION_TIMEOUT_MS,
			connectionTimeoutMillis: CONNECT_TIMEOUT_MS,
			keepAlive: true,
			keepAliveInitialDelayMillis: KEEPALIVE_IDLE_SECONDS * 1000,
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
		const db = new Kysely<Database>({
			dialect: new PostgresDialect({ pool, cursor: LongReadCursor })
		});
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
				// A new database is unpacked from the build's template rather than made by initdb.
				await unpackPgliteTemplate(dataDir);
				return PGlite.create(dataDir, {
					parsers: { 20: toNumber, 1016: toNumberArray },
					extensions: { pg_trgm },
					// PostgreSQL's 128 MB of shared buffers live in the app's own memory here, for a
					// database of a few MB: 16 MB takes about 100 MB off the resident size.
					startParams: [...PGlite.defaultStartParams, '-c', 'shared_buffers=16MB']
				});
			}
		})
	});
}

/**
 * The rows of one long read (a CSV export), streamed from a cursor in a read-only transaction
 * whose statements may run for LONG_READ_TIMEOUT_MS. Only where canStream(db).
 */
export async function* streamLongRead<Row>(
	db: Kysely<Database>,
	query: (trx: Kysely<Database>) => { stream(chunkSize?: number): AsyncIterableIterator<Row> },
	chunkSize: number
): AsyncGenerator<Row> {
	const trx = await db.startTransaction().setAccessMode('read only').execute();
	try {
		await sql`set local statement_timeout = ${sql.lit(LONG_READ_TIMEOUT_MS)}`.execute(trx);
		yield* query(trx).stream(chunkSize);
		await trx.commit().execute();
	} finally {
		// Stopped early (a cancelled download) or failed. If the rollback fails too, Kysely drops
		// the connection, which ends the transaction as well.
		if (!trx.isCommitted) await trx.rollback().execute().catch(ignoreError);
	}
}

/** Which database the environment asks for, described without the password. */
export function describeDatabase(options: DatabaseOptions): string {
	if (!options.databaseUrl) return `embedded PGlite in ${options.pgliteDir ?? './data/pglite'}`;
	const url = new URL(options.databaseUrl);
	return `PostgreSQL at ${url.hostname}:${url.port || 5432}${url.pathname}`;
}

type DatabaseSettings = Partial<
	Pick<Config, 'DATABASE_URL' | 'PGLITE_DIR' | 'DATABASE_STATEMENT_TIMEOUT_MS'>
>;

/** Which database the environment names (DATABASE_URL, PGLITE_DIR), and its statement timeout. */
export function databaseOptionsFromEnv(env: DatabaseSettings = config()) {
	return {
		databaseUrl: env.DATABASE_URL || undefined,
		pgliteDir: env.PGLITE_DIR || undefined,
		statementTimeoutMs: env.DATABASE_STATEMENT_TIMEOUT_MS
	} satisfies DatabaseOptions;
}
