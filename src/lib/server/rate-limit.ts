import { sql, type Kysely } from 'kysely';
import type { Database } from './db-schema.ts';

/**
 * Counts one attempt for `key` in the current fixed window and says whether it is within `limit`.
 * The counter lives in PostgreSQL, so it holds across app instances; one upsert, no read first.
 */
export async function consumeRateLimit(
	db: Kysely<Database>,
	key: string,
	{ limit, windowSeconds }: { limit: number; windowSeconds: number }
): Promise<boolean> {
	const row = await db
		.insertInto('rate_limit')
		.values({
			key,
			window_start: sql<Date>`to_timestamp(floor(extract(epoch from now()) / ${windowSeconds}) * ${windowSeconds})`,
			count: 1
		})
		.onConflict((oc) =>
			oc.columns(['key', 'window_start']).doUpdateSet({ count: sql`rate_limit.count + 1` })
		)
		.returning('count')
		.executeTakeFirstOrThrow();
	// Old windows are useless; sweep a few now and then rather than with a scheduler.
	if (row.count === 1 && Math.random() < 0.05) {
		await db
			.deleteFrom('rate_limit')
			.where('window_start', '<', sql<Date>`now() - interval '1 day'`)
			.execute();
	}
	return row.count <= limit;
}
