import { sql, type Kysely, type Transaction } from 'kysely';
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
