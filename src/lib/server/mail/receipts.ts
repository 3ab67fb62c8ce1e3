import { sql, type Kysely } from 'kysely';
import type { Database } from '../db/schema.ts';
import { markReceiptsUnsendable, numberReceipts } from '../giving/contributions.ts';
import { findOrganisation } from '../organisation/settings.ts';
import { queueEmail } from './outbox.ts';
import { createSignInLink } from '../self-service/sign-in-link.ts';
import { buildReceiptEmail } from './receipt-email.ts';

// The receipt issuer, run by the mail worker on each tick rather than inside the webhook's or the
// import's transaction, so recording a gift never waits for it. A gift's receipt is due once the
// gift succeeded, if it came by card or staff ticked "send receipt" (hand-recorded and imported
// gifts). Each due gift gets a number from receipt_number_seq and its email is queued in the same
// transaction; a gift whose supporter has no email address (or was erased) is marked so and left.

export const RECEIPT_KIND = 'receipt';

/** The dedupe key of a gift's receipt email: one per gift, however often it is reported. */
export const receiptDedupeKey = (contributionId: string) => `receipt:${contributionId}`;

// The predicate of the partial index contribution_receipt_due_idx, word for word and with no
// parameters, so that the planner can prove the index applies: the scan then only sees due gifts.
const receiptIsDue = sql<boolean>`c.status = 'succeeded' and c.receipt_number is null
	and c.receipt_skip_reason is null and (c.channel = 'card' or c.receipt_requested)`;

export interface IssuedReceipts {
	/** Receipts numbered and queued. */
	issued: number;
	/** Due gifts left without a receipt: their supporter has no email address. */
	skipped: number;
}

/**
 * Numbers and queues the receipts of up to `limit` due gifts, oldest first, in one transaction.
 * Gifts another instance is working on are skipped (`for update skip locked`), so several app
 * instances share the work and a gift is never numbered twice.
 */
export async function issueDueReceipts(
	db: Kysely<Database>,
	{ limit = 20, origin }: { limit?: number; origin?: string } = {}
): Promise<IssuedReceipts> {
	return db.transaction().execute(async (trx) => {
		const due = await trx
			.selectFrom('contribution as c')
			.innerJoin('supporter as s', 's.id', 'c.supporter_id')
			.select([
				'c.id',
				'c.amount_minor',
				'c.currency',
				'c.received_at',
				'c.channel',
				'c.kind',
				's.id as supporterId',
				's.email',
				's.name',
				's.preferred_locale',
				's.erased_at'
			])
			.where(receiptIsDue)
			.orderBy('c.created_at')
			.orderBy('c.id')
			.limit(limit)
			.forUpdate(['c'])
			.skipLocked()
			.execute();
		if (due.length === 0) return { issued: 0, skipped: 0 };

		const hasAddress = (gift: (typeof due)[number]) => gift.email !== null && !gift.erased_at;
		const unreachable = due.filter((gift) => !hasAddress(gift)).map((gift) => gift.id);
		if (unreachable.length > 0) await markReceiptsUnsendable(trx, unreachable);

		const reachable = due.filter(hasAddress);
		if (reachable.length === 0) return { issued: 0, skipped: unreachable.length };
		// One statement for the batch: the summary trigger on contribution runs once.
		const numbers = await numberReceipts(
			trx,
			reachable.map((gift) => gift.id)
		);

		const organisation = await findOrganisation(trx);
		const from = {
			name: organisation.name,
			contactEmail: organisation.contact_email,
			organisationNumber: organisation.organisation_number
		};
		for (const gift of reachable) {
			const email = buildReceiptEmail(
				{
					receiptNumber: numbers.get(gift.id)!,
					amountMinor: gift.amount_minor,
					currency: gift.currency,
					receivedAt: gift.received_at,
					channel: gift.channel,
					kind: gift.kind
				},
				from,
				gift.name,
				gift.preferred_locale,
				// Their own single-use link into "My giving", to see or change their giving.
				origin ? await createSignInLink(trx, gift.supporterId, { origin }) : undefined
			);
			await queueEmail(trx, {
				...email,
				kind: RECEIPT_KIND,
				to: gift.email!,
				locale: gift.preferred_locale,
				supporterId: gift.supporterId,
				dedupeKey: receiptDedupeKey(gift.id),
				attachments: [{ type: 'receipt', contributionId: gift.id }]
			});
		}
		return { issued: reachable.length, skipped: unreachable.length };
	});
}
