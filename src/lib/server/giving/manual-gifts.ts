import type { Kysely } from 'kysely';
import type { GiftEntry } from '../../giving/gift-entry.ts';
import { recordAudit } from '../organisation/audit.ts';
import { findCampaign } from '../campaigns/campaigns.ts';
import { correctGift, lockGift, markGiftVoided, recordGift } from './contributions.ts';
import type { Contribution, Database } from '../db/schema.ts';
import { findOrCreateSupporterByEmail } from '../supporters/supporters.ts';

// Gifts staff type in (bank transfers, Vipps, cash), their corrections, and voids. Every write
// is one transaction with its audit entry. Card refunds are in refunds.ts.

export interface StaffContext {
	staffUserId: string;
	requestId: string;
}

export type RecordGiftOutcome =
	| { ok: true; contribution: Contribution }
	| { ok: false; reason: 'unknown_supporter' | 'already_recorded'; existingId?: string };

// A bank transfer's date says nothing of the hour; noon UTC keeps it on the same day in Norway.
const receivedAt = (day: string) => new Date(`${day}T12:00:00Z`);

const editableFields = (c: Contribution) => ({
	channel: c.channel,
	amount_minor: c.amount_minor,
	currency: c.currency,
	received_at: c.received_at,
	external_reference: c.external_reference,
	note: c.note,
	status: c.status,
	void_reason: c.void_reason
});

/** Thrown to roll back a transaction whose work turned out to be unwanted. */
class Refusal {
	constructor(outcome: RecordGiftOutcome) {
		this.outcome = outcome;
	}
	outcome: RecordGiftOutcome;
}

export async function recordManualGift(
	db: Kysely<Database>,
	gift: GiftEntry,
	context: StaffContext
): Promise<RecordGiftOutcome> {
	try {
		return await recordManualGiftOnce(db, gift, context);
	} catch (error) {
		if (error instanceof Refusal) return error.outcome;
		throw error;
	}
}

async function recordManualGiftOnce(
	db: Kysely<Database>,
	gift: GiftEntry,
	context: StaffContext
): Promise<RecordGiftOutcome> {
	return db.transaction().execute(async (trx) => {
		let supporterId: string;
		let email: string | null = null;
		if ('id' in gift.supporter) {
			const found = await trx
				.selectFrom('supporter')
				.select(['id', 'merged_into'])
				.where('id', '=', gift.supporter.id)
				.executeTakeFirst();
			if (!found) return { ok: false, reason: 'unknown_supporter' } as const;
			supporterId = found.merged_into ?? found.id;
			if (gift.sendReceipt) email = await emailOf(trx, supporterId);
		} else if (gift.supporter.email) {
			const supporter = await findOrCreateSupporterByEmail(trx, {
				email: gift.supporter.email,
				name: gift.supporter.name
			});
			supporterId = supporter.id;
			email = supporter.email;
		} else {
			supporterId = (
				await trx
					.insertInto('supporter')
					.values({ name: gift.supporter.name })
					.returning('id')
					.executeTakeFirstOrThrow()
			).id;
		}
		const campaign = gift.campaignId ? await findCampaign(trx, gift.campaignId) : undefined;
		const { contribution, isNew } = await recordGift(trx, {
			supporter_id: supporterId,
			channel: gift.channel,
			kind: 'one_off',
			amount_minor: gift.amountMinor,
			currency: gift.currency,
			status: 'succeeded',
			received_at: receivedAt(gift.receivedOn),
			is_date_only: true,
			external_reference: gift.reference,
			note: gift.note,
			recorded_by: context.staffUserId,
			campaign_id: campaign?.id ?? null,
			// The mail worker issues the receipt from this; without an address there is no one to send to.
			receipt_requested: gift.sendReceipt && email !== null
		});
		// A gift already recorded leaves nothing behind, not even the supporter made for it.
		if (!isNew)
			throw new Refusal({ ok: false, reason: 'already_recorded', existingId: contribution.id });
		await recordAudit(trx, {
			staffUserId: context.staffUserId,
			requestId: context.requestId,
			action: 'contribution.record',
			entityType: 'contribution',
			entityId: contribution.id,
			after: {
				...editableFields(contribution),
				supporter_id: supporterId,
				receipt_requested: contribution.receipt_requested
			}
		});
		return { ok: true, contribution };
	});
}

/** A supporter's email address, unless they have none or were erased. */
async function emailOf(db: Kysely<Database>, supporterId: string): Promise<string | null> {
	const supporter = await db
		.selectFrom('supporter')
		.select('email')
		.where('id', '=', supporterId)
		.where('erased_at', 'is', null)
		.executeTakeFirst();
	return supporter?.email ?? null;
}

/** Only gifts staff typed in may be changed by hand; Stripe's and imports' belong to their source. */
export function isHandRecorded(contribution: Contribution): boolean {
	return contribution.recorded_by !== null && contribution.import_batch_id === null;
}

/**
 * Only gifts staff typed in may be voided: a gift Stripe or Vipps reported, or a bank import
 * brought, follows its source (refunded there, or corrected in the next import).
 */
export function isVoidable(contribution: Contribution): boolean {
	return isHandRecorded(contribution) && contribution.status !== 'voided';
}

export type ChangeGiftOutcome =
	{ ok: true } | { ok: false; reason: 'not_found' | 'not_editable' | 'already_recorded' };

export async function editManualGift(
	db: Kysely<Database>,
	id: string,
	gift: GiftEntry,
	context: StaffContext
): Promise<ChangeGiftOutcome> {
	try {
		return await db.transaction().execute(async (trx) => {
			const before = await lockGift(trx, id);
			if (!before) return { ok: false, reason: 'not_found' } as const;
			if (!isHandRecorded(before) || before.status === 'voided')
				return { ok: false, reason: 'not_editable' } as const;
			const after = await correctGift(trx, id, {
				channel: gift.channel,
				amount_minor: gift.amountMinor,
				currency: gift.currency,
				received_at: receivedAt(gift.receivedOn),
				external_reference: gift.reference,
				note: gift.note
			});
			await recordAudit(trx, {
				staffUserId: context.staffUserId,
				requestId: context.requestId,
				action: 'contribution.edit',
				entityType: 'contribution',
				entityId: id,
				before: { ...editableFields(before), reason: gift.reason },
				after: editableFields(after)
			});
			return { ok: true } as const;
		});
	} catch (error) {
		// Another gift of the same channel already carries this reference.
		if ((error as { code?: string }).code === '23505')
			return { ok: false, reason: 'already_recorded' };
		throw error;
	}
}

/** A void keeps the gift, with its reason, and takes it out of every total. */
export async function voidGift(
	db: Kysely<Database>,
	id: string,
	reason: string,
	context: StaffContext
): Promise<ChangeGiftOutcome> {
	return db.transaction().execute(async (trx) => {
		const before = await lockGift(trx, id);
		if (!before) return { ok: false, reason: 'not_found' } as const;
		if (!isVoidable(before)) return { ok: false, reason: 'not_editable' } as const;
		const after = await markGiftVoided(trx, id, reason);
		await recordAudit(trx, {
			staffUserId: context.staffUserId,
			requestId: context.requestId,
			action: 'contribution.void',
			entityType: 'contribution',
			entityId: id,
			before: editableFields(before),
			after: editableFields(after)
		});
		return { ok: true } as const;
	});
}
