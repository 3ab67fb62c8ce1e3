import { sql, type Kysely } from 'kysely';
import type { Database } from '../db/schema.ts';

// Fixed-window counters. They live in PostgreSQL, so they hold across app instances.

const windowStart = (windowSeconds: number) =>
	sql<Date>`to_timestamp(floor(extract(epoch from now()) / ${windowSeconds}) * ${windowSeconds})`;

/** Counts one attempt for `key` in the current window; returns the window's count so far. */
export async function hitRateLimit(
	db: Kysely<Database>,
	key: string,
	{ windowSeconds }: { windowSeconds: number }
): Promise<number> {
	const row = await db
		.insertInto('rate_limit')
		.values({ key, window_start: windowStart(windowSeconds), count: 1 })
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
	return row.count;
}

/** The current window's count for `key`, without counting. */
export async function readRateLimit(
	db: Kysely<Database>,
	key: string,
	{ windowSeconds }: { windowSeconds: number }
): Promise<number> {
	const row = await db
		.selectFrom('rate_limit')
		.select('count')
		.where('key', '=', key)
		.where('window_start', '=', windowStart(windowSeconds))
		.executeTakeFirst();
	return row?.count ?? 0;
}

/** Takes back one attempt for `key` in the current window (after a right answer, say). */
export async function returnRateLimitHit(
	db: Kysely<Database>,
	key: string,
	{ windowSeconds }: { windowSeconds: number }
): Promise<void> {
	await db
		.updateTable('rate_limit')
		.set({ count: sql`count - 1` })
		.where('key', '=', key)
		.where('window_start', '=', windowStart(windowSeconds))
		.where('count', '>', 0)
		.execute();
}

/** Ends the current window's count for `key`, as if no attempt had been made in it. */
export async function clearRateLimit(
	db: Kysely<Database>,
	key: string,
	{ windowSeconds }: { windowSeconds: number }
): Promise<boolean> {
	const result = await db
		.deleteFrom('rate_limit')
		.where('key', '=', key)
		.where('window_start', '=', windowStart(windowSeconds))
		.executeTakeFirst();
	return Number(result.numDeletedRows) > 0;
}

/** When the current window ends: when a limit counted in it starts afresh. */
export async function rateLimitWindowEnd(
	db: Kysely<Database>,
	{ windowSeconds }: { windowSeconds: number }
): Promise<Date> {
	const { rows } = await sql<{ ends_at: Date }>`select ${windowStart(windowSeconds)}
		+ make_interval(secs => ${windowSeconds}) as ends_at`.execute(db);
	return new Date(rows[0].ends_at);
}

/** Counts one attempt for `key` in the current fixed window and says whether it is within `limit`. */
export async function consumeRateLimit(
	db: Kysely<Database>,
	key: string,
	{ limit, windowSeconds }: { limit: number; windowSeconds: number }
): Promise<boolean> {
	return (await hitRateLimit(db, key, { windowSeconds })) <= limit;
}
