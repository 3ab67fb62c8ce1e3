import { sql, type Kysely, type Transaction } from 'kysely';
import type { Channel } from '../../giving/vocabulary.ts';
import type { Contribution, Database, NewContribution } from '../db/schema.ts';

type Db = Kysely<Database> | Transaction<Database>;

export interface RecordedContribution {
	contribution: Contribution;
	/** False when this channel's reference was already recorded: the gift is not counted twice. */
	isNew: boolean;
}

// How far a gift has got. A later report may only move a gift forward (a failed monthly payment
// that is retried and paid becomes succeeded), never back, whatever order the reports arrive in.
const statusRank = (column: string) => sql<number>`case ${sql.ref(column)}
	when 'pending' then 0 when 'failed' then 1 when 'succeeded' then 2 else 3 end`;

/**
 * The one path every channel (card webhook, bank import, Vipps report, hand entry) uses to record
 * a gift. The unique (channel, external_reference) constraint, not a prior lookup, makes it
 * idempotent, so two deliveries of the same gift racing each other still give one row. A repeat
 * report moves the gift forward (status, and fee and payment details it lacked) and nothing else.
 */
export async function recordContribution(
	db: Db,
	contribution: NewContribution
): Promise<RecordedContribution> {
	const upserted = await db
		.insertInto('contribution')
		.values(contribution)
		.onConflict((oc) =>
			oc
				.columns(['channel', 'external_reference'])
				.doUpdateSet({
					status: sql`case when ${statusRank('contribution.status')} < ${statusRank('excluded.status')}
						then excluded.status else contribution.status end`,
					fee_minor: sql`coalesce(contribution.fee_minor, excluded.fee_minor)`,
					net_minor: sql`coalesce(contribution.net_minor, excluded.net_minor)`,
					payment_reference: sql`coalesce(contribution.payment_reference, excluded.payment_reference)`,
					updated_at: sql`now()`
				})
				.where((eb) =>
					eb.or([
						eb(statusRank('contribution.status'), '<', statusRank('excluded.status')),
						eb.and([
							eb('contribution.fee_minor', 'is', null),
							eb('excluded.fee_minor', 'is not', null)
						]),
						eb.and([
							eb('contribution.payment_reference', 'is', null),
							eb('excluded.payment_reference', 'is not', null)
						])
					])
				)
		)
		.returningAll()
		.returning(sql<boolean>`xmax = 0`.as('isInserted'))
		.executeTakeFirst();
	if (upserted) {
		const { isInserted, ...row } = upserted;
		return { contribution: row, isNew: isInserted };
	}

	const existing = await db
		.selectFrom('contribution')
		.selectAll()
		.where('channel', '=', contribution.channel)
		.where('external_reference', '=', contribution.external_reference ?? null)
		.executeTakeFirstOrThrow();
	return { contribution: existing, isNew: false };
}

/** Refunds and disputes name the payment; they change a gift's status and amounts, never delete it. */
export async function updateContributionsByPayment(
	db: Db,
	paymentReference: string,
	change: { status?: Contribution['status']; refunded_minor?: number },
	channel: Channel = 'card'
): Promise<number> {
	const result = await db
		.updateTable('contribution')
		.set({ ...change, updated_at: sql`now()` })
		.where('channel', '=', channel)
		.where('payment_reference', '=', paymentReference)
		.executeTakeFirst();
	return Number(result.numUpdatedRows);
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
