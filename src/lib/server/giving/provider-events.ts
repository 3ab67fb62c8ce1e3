import { sql, type Generated, type Kysely, type Selectable, type Transaction } from 'kysely';
import type { Database, ProviderEventColumns } from '../db/schema.ts';
import { storableText } from '../../storable-text.ts';

/** The tables that hold a provider's webhook events, each with the shared event columns. */
export type ProviderEventTable = 'stripe_event' | 'vipps_event';

interface StoredEvent extends ProviderEventColumns {
	id: string;
}

/** The provider's own columns vary; only those the store itself reads are named here. */
export interface ProviderEventRow {
	id: string;
	payload: string;
}

export interface ProviderEventOptions {
	/** Stored instead of the body when PostgreSQL refuses to store the body itself. */
	stubPayload?: string;
}

const eventStore = (db: Kysely<Database> | Transaction<Database>) =>
	db as unknown as Kysely<Record<ProviderEventTable, StoredEvent>>;

/**
 * Stores a verified provider event once (by its id) and handles it in the same transaction. Any
 * instance may receive any event, several times, at once: the row lock makes the second delivery
 * wait for the first and then see it done. `prepare` asks the provider what it needs before the
 * transaction opens, so no lock is held across the network. A failure rolls the work back, is
 * noted on the event, and is reported so that the provider (or its sync script) delivers it again.
 */
export async function receiveProviderEvent(
	db: Kysely<Database>,
	table: ProviderEventTable,
	row: ProviderEventRow,
	prepare: () => Promise<(trx: Transaction<Database>) => Promise<unknown>>,
	{ stubPayload }: ProviderEventOptions = {}
): Promise<{ outcome: 'processed' | 'duplicate' | 'failed'; error?: unknown }> {
	// A repeat of an event already done needs no transaction: done is final.
	const stored = await eventStore(db)
		.selectFrom(table)
		.select('status')
		.where('id', '=', row.id)
		.executeTakeFirst();
	if (stored?.status === 'processed') return { outcome: 'duplicate' };

	try {
		const applyChanges = await prepare();
		const outcome = await db.transaction().execute(async (trx) => {
			// One statement stores the event as done, or else locks the stored row (waiting for
			// a delivery in flight elsewhere to finish) and says how far that one got. If the
			// work below fails, the rollback takes the new row with it.
			const claimed = await eventStore(trx)
				.insertInto(table)
				.values({ ...row, status: 'processed', processed_at: sql`now()`, attempts: 1 })
				.onConflict((oc) => oc.column('id').doUpdateSet({ status: sql.ref(`${table}.status`) }))
				.returning(['status', sql<boolean>`xmax = 0`.as('isInserted')])
				.executeTakeFirstOrThrow();
			if (!claimed.isInserted && claimed.status === 'processed') return 'duplicate' as const;
			await applyChanges(trx);
			if (!claimed.isInserted) {
				await eventStore(trx)
					.updateTable(table)
					.set({
						status: 'processed',
						processed_at: sql`now()`,
						attempts: sql`attempts + 1`,
						last_error: null
					})
					.where('id', '=', row.id)
					.execute();
			}
			return 'processed' as const;
		});
		return { outcome };
	} catch (error) {
		const lastError = storableText(error instanceof Error ? error.message : String(error)).slice(
			0,
			2000
		);
		// If the body itself is what PostgreSQL refused, the failure is still recorded (with a
		// stand-in body, where the provider has one) so that staff see it and sync can fetch it.
		const payloads = stubPayload === undefined ? [row.payload] : [row.payload, stubPayload];
		for (const payload of payloads) {
			const isRecorded = await recordFailure(db, table, { ...row, payload }, lastError);
			if (isRecorded) break;
		}
		return { outcome: 'failed', error };
	}
}

async function recordFailure(
	db: Kysely<Database>,
	table: ProviderEventTable,
	row: ProviderEventRow,
	lastError: string
): Promise<boolean> {
	try {
		await eventStore(db)
			.insertInto(table)
			.values({ ...row, status: 'failed', attempts: 1, last_error: lastError })
			.onConflict((oc) =>
				oc
					.column('id')
					.doUpdateSet({
						status: 'failed',
						attempts: sql`${sql.ref(`${table}.attempts`)} + 1`,
						last_error: lastError
					})
					.where(sql.ref(`${table}.status`), '<>', 'processed')
			)
			.execute();
		return true;
	} catch {
		return false; // the database itself may be what failed
	}
}

// The other way, for a provider whose every event needs a question back to it (Vipps): the
// webhook only stores the verified event and answers, and a worker applies what is stored. The
// table then has `apply_after`, when an event may next be taken.

/** The tables whose events are stored first and applied afterwards. */
export type StoredFirstEventTable = 'vipps_event';

interface StoredFirstEvent extends StoredEvent {
	apply_after: Generated<Date>;
}

const storedFirst = (db: Kysely<Database> | Transaction<Database>) =>
	db as unknown as Kysely<Record<StoredFirstEventTable, StoredFirstEvent>>;

/** While an instance applies an event, no other takes it; if that instance dies, after this. */
const LEASE_SECONDS = 60;
/** A failed event waits 15 s, then twice as long after each further failure, up to an hour. */
const FIRST_RETRY_SECONDS = 15;
const LAST_RETRY_SECONDS = 3600;

/** Stores a verified event once, by its id, to be applied; a repeat changes nothing. */
export async function storeProviderEvent(
	db: Kysely<Database>,
	table: StoredFirstEventTable,
	row: ProviderEventRow & Record<string, unknown>
): Promise<'stored' | 'duplicate'> {
	const inserted = await storedFirst(db)
		.insertInto(table)
		.values({ ...row, status: 'received' })
		.onConflict((oc) => oc.column('id').doNothing())
		.returning('id')
		.executeTakeFirst();
	return inserted ? 'stored' : 'duplicate';
}

/**
 * Takes up to `limit` stored events that are due, oldest first, for this instance to apply:
 * `skip locked` leaves those another instance is taking at this moment, and the lease keeps
 * them from every other instance until this one marks them applied or failed.
 */
export async function claimProviderEvents<T extends StoredFirstEventTable>(
	db: Kysely<Database>,
	table: T,
	limit: number
): Promise<Selectable<Database[T]>[]> {
	const claimed = await storedFirst(db)
		.updateTable(table as StoredFirstEventTable)
		.set({
			apply_after: sql`now() + make_interval(secs => ${LEASE_SECONDS})`,
			attempts: sql`attempts + 1`
		})
		.where('id', 'in', (eb) =>
			eb
				.selectFrom(table as StoredFirstEventTable)
				.select('id')
				.where('status', '<>', 'processed')
				.where('apply_after', '<=', sql<Date>`now()`)
				.orderBy('apply_after')
				.limit(limit)
				.forUpdate()
				.skipLocked()
		)
		.returningAll()
		.execute();
	return claimed as unknown as Selectable<Database[T]>[];
}

/** Marks events applied, in the transaction that applied them (if they changed anything). */
export async function markProviderEventsApplied(
	trx: Kysely<Database> | Transaction<Database>,
	table: StoredFirstEventTable,
	ids: string[]
): Promise<void> {
	await storedFirst(trx)
		.updateTable(table)
		.set({ status: 'processed', processed_at: sql`now()`, last_error: null })
		.where('id', 'in', ids)
		.execute();
}

/** Notes why events could not be applied; each is tried again after a growing wait. */
export async function markProviderEventsFailed(
	db: Kysely<Database>,
	table: StoredFirstEventTable,
	ids: string[],
	error: unknown
): Promise<void> {
	const lastError = storableText(error instanceof Error ? error.message : String(error)).slice(
		0,
		2000
	);
	await storedFirst(db)
		.updateTable(table)
		.set({
			status: 'failed',
			last_error: lastError,
			apply_after: sql`now() + make_interval(secs => least(${LAST_RETRY_SECONDS},
				${FIRST_RETRY_SECONDS} * power(2, greatest(attempts, 1) - 1)))`
		})
		.where('id', 'in', ids)
		.where('status', '<>', 'processed')
		.execute();
}

/** Makes every stored event not yet applied due now, whatever it waits for (`vipps:sync`). */
export async function bringProviderEventsForward(
	db: Kysely<Database>,
	table: StoredFirstEventTable
): Promise<number> {
	const result = await storedFirst(db)
		.updateTable(table)
		.set({ apply_after: sql`now()` })
		.where('status', '<>', 'processed')
		.where('apply_after', '>', sql<Date>`now()`)
		.executeTakeFirst();
	return Number(result.numUpdatedRows);
}
