import { sql, type Transaction } from 'kysely';
import type { Database } from './schema.ts';

/**
 * Runs a bulk insert of supporters or gifts with their row triggers stepped aside (migration
 * 20261208040000_bulk_import_summaries): the caller then brings the summaries up to date for the
 * rows it inserted, one statement per table. The setting is local to the transaction and is turned
 * off again before anything else runs in it, so no other write can miss its summaries.
 */
export async function withSummariesByStatement<T>(
	trx: Transaction<Database>,
	insert: () => Promise<T>
): Promise<T> {
	await sql`select set_config('komak.summaries_by_statement', 'on', true)`.execute(trx);
	const result = await insert();
	await sql`select set_config('komak.summaries_by_statement', 'off', true)`.execute(trx);
	return result;
}
