import { sql, type Kysely, type Transaction } from 'kysely';
import type { Contribution, Database, NewContribution } from './db-schema.ts';

type Db = Kysely<Database> | Transaction<Database>;

export interface RecordedContribution {
	contribution: Contribution;
	/** False when this channel's reference was already recorded: the gift is not counted twice. */
	isNew: boolean;
}

/**
 * The one path every channel (card webhook, bank import, Vipps report, hand entry) uses to record
 * a gift. The unique (channel, external_reference) constraint, not a prior lookup, makes it
 * idempotent, so two deliveries of the same gift racing each other still give one row.
 */
export async function recordContribution(
	db: Db,
	contribution: NewContribution
): Promise<RecordedContribution> {
	const inserted = await db
		.insertInto('contribution')
		.values(contribution)
		.onConflict((oc) => oc.columns(['channel', 'external_reference']).doNothing())
		.returningAll()
		.executeTakeFirst();
	if (inserted) return { contribution: inserted, isNew: true };

	const existing = await db
		.selectFrom('contribution')
		.selectAll()
		.where('channel', '=', contribution.channel)
		.where('external_reference', '=', contribution.external_reference ?? null)
		.executeTakeFirstOrThrow();
	return { contribution: existing, isNew: false };
}

export interface CurrencyTotal {
	currency: string;
	totalMinor: number;
	count: number;
}

/** Succeeded gifts of a supporter, one total per currency: currencies are never added together. */
export async function totalsBySupporter(db: Db, supporterId: string): Promise<CurrencyTotal[]> {
	const rows = await db
		.selectFrom('contribution')
		.select([
			'currency',
			sql<number>`sum(amount_minor)::bigint`.as('totalMinor'),
			sql<number>`count(*)::bigint`.as('count')
		])
		.where('supporter_id', '=', supporterId)
		.where('status', '=', 'succeeded')
		.groupBy('currency')
		.orderBy('currency')
		.execute();
	return rows;
}
