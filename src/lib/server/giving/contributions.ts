import { sql, type Kysely, type Transaction } from 'kysely';
import type { Channel } from '../../giving/vocabulary.ts';
import type { Contribution, Database, NewContribution } from '../db/schema.ts';
import { withSummariesByStatement } from '../db/summaries.ts';

type Db = Kysely<Database> | Transaction<Database>;

// The contribution table's one writer: every change to a gift (recording, correcting, voiding,
// refunds and disputes, a failed payment, receipt numbers, a merge, an erasure) is made here, so
// what may happen to a gift can be read in one place. Each function takes the caller's
// transaction (or the database), so the caller keeps its own transaction, locks and audit entry.

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
export async function recordGift(
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

/** The columns an imported gift sets, with the type of the array each travels in. */
const importedGiftColumns = {
	supporter_id: 'uuid',
	channel: 'text',
	kind: 'text',
	amount_minor: 'bigint',
	currency: 'text',
	fee_minor: 'bigint',
	net_minor: 'bigint',
	status: 'text',
	received_at: 'timestamptz',
	is_date_only: 'boolean',
	external_reference: 'text',
	bank_transaction_key: 'text',
	payment_reference: 'text',
	note: 'text',
	recorded_by: 'uuid',
	import_batch_id: 'uuid',
	receipt_requested: 'boolean'
} as const;
type ImportedGiftColumn = keyof typeof importedGiftColumns;

export type ImportedGift = {
	[Column in ImportedGiftColumn]-?: Exclude<NewContribution[Column], undefined>;
};

/**
 * Gifts no report has recorded before (an import's new rows), thousands to a statement, each
 * column as one array. The unique (channel, external_reference) still decides: a gift recorded
 * meanwhile (another import of the same file) is left as it is. The summaries count the inserted
 * gifts once per statement, not once per row. Returns the references of the gifts inserted.
 */
export async function recordNewGifts(
	trx: Transaction<Database>,
	gifts: ImportedGift[]
): Promise<Set<string>> {
	const columns = Object.keys(importedGiftColumns) as ImportedGiftColumn[];
	const inserted = new Set<string>();
	for (let start = 0; start < gifts.length; start += 5000) {
		const chunk = gifts.slice(start, start + 5000);
		const arrays = columns.map(
			(column) =>
				sql`${chunk.map((gift) => gift[column])}::${sql.raw(importedGiftColumns[column])}[]`
		);
		const { rows } = await withSummariesByStatement(trx, () =>
			sql<{ id: string; external_reference: string | null }>`
				insert into contribution (${sql.join(columns.map((column) => sql.ref(column)))})
				select * from unnest(${sql.join(arrays)})
				on conflict (channel, external_reference) do nothing
				returning id, external_reference`.execute(trx)
		);
		if (rows.length > 0) {
			await sql`select komak_count_new_gifts(${rows.map((row) => row.id)}::uuid[])`.execute(trx);
		}
		for (const row of rows) if (row.external_reference) inserted.add(row.external_reference);
	}
	return inserted;
}

/** Refunds and disputes name the payment (a card's, or Vipps's); they change a gift's status and amounts. */
async function changeGiftsOfPayment(
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

/**
 * What a payment's refunds made of its gift (a card's by default, or a Vipps payment's): the
 * amount refunded so far and, unless the payment is disputed, refunded or partially refunded.
 * The gift itself is never deleted.
 */
export async function markGiftRefunded(
	db: Db,
	paymentReference: string,
	refund: { refunded_minor: number; status?: 'refunded' | 'partially_refunded' },
	channel: Channel = 'card'
): Promise<number> {
	return changeGiftsOfPayment(db, paymentReference, refund, channel);
}

export type DisputeStage =
	{ stage: 'opened' } | { stage: 'won' } | { stage: 'lost'; amountMinor: number };

/** A dispute over a card payment: opened, the gift is disputed; won, it stands; lost, it is refunded. */
export async function markGiftDispute(
	db: Db,
	paymentReference: string,
	dispute: DisputeStage
): Promise<number> {
	switch (dispute.stage) {
		case 'opened':
			return changeGiftsOfPayment(db, paymentReference, { status: 'disputed' });
		case 'won':
			return changeGiftsOfPayment(db, paymentReference, { status: 'succeeded' });
		case 'lost':
			return changeGiftsOfPayment(db, paymentReference, {
				status: 'refunded',
				refunded_minor: dispute.amountMinor
			});
	}
}

/** A card payment that was still pending (a delayed method such as a bank debit) failed. */
export async function markPendingCardGiftFailed(db: Db, paymentIntentId: string): Promise<void> {
	await db
		.updateTable('contribution')
		.set({ status: 'failed', updated_at: sql`now()` })
		.where('channel', '=', 'card')
		.where('external_reference', '=', paymentIntentId)
		.where('status', '=', 'pending')
		.execute();
}

/** The fields of a hand-recorded gift staff may correct. */
export type GiftCorrection = Pick<
	Contribution,
	'channel' | 'amount_minor' | 'currency' | 'received_at' | 'external_reference' | 'note'
>;

/** Corrects a hand-recorded gift; returns it as it now stands. */
export async function correctGift(
	db: Db,
	id: string,
	correction: GiftCorrection
): Promise<Contribution> {
	return db
		.updateTable('contribution')
		.set({ ...correction, updated_at: sql`now()` })
		.where('id', '=', id)
		.returningAll()
		.executeTakeFirstOrThrow();
}

/** A void keeps the gift, with its reason, and takes it out of every total; returns it voided. */
export async function markGiftVoided(db: Db, id: string, reason: string): Promise<Contribution> {
	return db
		.updateTable('contribution')
		.set({ status: 'voided', void_reason: reason, updated_at: sql`now()` })
		.where('id', '=', id)
		.returningAll()
		.executeTakeFirstOrThrow();
}

/**
 * Numbers the receipts of these gifts from receipt_number_seq, in one statement so the summary
 * trigger on contribution runs once. Returns each gift's number.
 */
export async function numberReceipts(db: Db, ids: string[]): Promise<Map<string, number>> {
	const numbered = await db
		.updateTable('contribution')
		.set({ receipt_number: sql<number>`nextval('receipt_number_seq')` })
		.where('id', 'in', ids)
		.returning(['id', 'receipt_number'])
		.execute();
	return new Map(numbered.map((row) => [row.id, row.receipt_number!]));
}

/** These gifts get no receipt: their supporter has no email address (or was erased). */
export async function markReceiptsUnsendable(db: Db, ids: string[]): Promise<void> {
	await db
		.updateTable('contribution')
		.set({ receipt_skip_reason: 'no_email' })
		.where('id', 'in', ids)
		.execute();
}

/** A merge: every gift of one supporter moves to another. Returns the ids of the gifts moved. */
export async function moveGiftsToSupporter(
	db: Db,
	fromSupporterId: string,
	toSupporterId: string
): Promise<string[]> {
	const moved = await db
		.updateTable('contribution')
		.set({ supporter_id: toSupporterId, updated_at: sql`now()` })
		.where('supporter_id', '=', fromSupporterId)
		.returning('id')
		.execute();
	return moved.map((row) => row.id);
}

/** An erasure: the dedications on these supporters' gifts go; the gifts and their amounts stay. */
export async function eraseGiftDedications(db: Db, supporterIds: string[]): Promise<void> {
	await db
		.updateTable('contribution')
		.set({ dedication: '', updated_at: sql`now()` })
		.where('supporter_id', 'in', supporterIds)
		.where('dedication', '<>', '')
		.execute();
}

export async function findGift(db: Db, id: string): Promise<Contribution | undefined> {
	return db.selectFrom('contribution').selectAll().where('id', '=', id).executeTakeFirst();
}

/** Who a gift is from, as its page names them; the foreign key makes sure there is someone. */
export async function findGiftSupporter(db: Db, gift: Pick<Contribution, 'supporter_id'>) {
	return db
		.selectFrom('supporter')
		.select(['id', 'name', 'email', 'erased_at'])
		.where('id', '=', gift.supporter_id)
		.executeTakeFirstOrThrow();
}

/** A gift, locked until the transaction ends, for a change that depends on how it stands. */
export async function lockGift(db: Transaction<Database>, id: string) {
	return db
		.selectFrom('contribution')
		.selectAll()
		.where('id', '=', id)
		.forUpdate()
		.executeTakeFirst();
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
