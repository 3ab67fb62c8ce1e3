import type { Kysely } from 'kysely';
import type { Database } from '../db/schema.ts';
import { findGift } from '../giving/contributions.ts';
import type { StaffContext } from '../giving/manual-gifts.ts';
import { recordRefund } from '../giving/refunds.ts';
import type { VippsClient } from './client.ts';
import { isVippsReference } from './payments.ts';

export type VippsRefundOutcome =
	| { ok: true; refundedMinor: number }
	| {
			ok: false;
			reason: 'not_found' | 'not_refundable' | 'too_much' | 'vipps_error';
			message?: string;
	  };

/** A gift given through the appeal's Vipps button, with something left to refund. */
export const isRefundableVippsGift = (gift: {
	channel: string;
	payment_reference: string | null;
	amount_minor: number;
	refunded_minor: number;
	status: string;
}) =>
	gift.channel === 'vipps' &&
	gift.payment_reference !== null &&
	isVippsReference(gift.payment_reference) &&
	gift.amount_minor > gift.refunded_minor &&
	['succeeded', 'partially_refunded'].includes(gift.status);

/**
 * Refunds a Vipps gift (all of it, or `amountMinor` of it) through the ePayment API. Vipps's
 * answer updates the gift at once; the refunded webhook later sets the same figures again.
 */
export async function refundVippsGift(
	db: Kysely<Database>,
	vipps: VippsClient,
	id: string,
	amountMinor: number | null,
	context: StaffContext
): Promise<VippsRefundOutcome> {
	const gift = await findGift(db, id);
	if (!gift) return { ok: false, reason: 'not_found' };
	if (!isRefundableVippsGift(gift)) return { ok: false, reason: 'not_refundable' };
	const reference = gift.payment_reference!;
	const refundable = gift.amount_minor - gift.refunded_minor;
	if (amountMinor !== null && amountMinor > refundable) return { ok: false, reason: 'too_much' };
	const requested = amountMinor ?? refundable;
	let refundedMinor: number;
	try {
		const answer = await vipps.refundPayment(
			reference,
			{ currency: gift.currency.trim(), value: requested },
			// A double click, or a retry after a lost answer, refunds once (at most 50 characters).
			`r${gift.refunded_minor}-${reference.replace(/^komak-/, '')}`
		);
		refundedMinor = answer.aggregate.refundedAmount.value;
	} catch (error) {
		return { ok: false, reason: 'vipps_error', message: (error as Error).message };
	}
	const change = {
		refunded_minor: refundedMinor,
		status:
			refundedMinor >= gift.amount_minor ? ('refunded' as const) : ('partially_refunded' as const)
	};
	await recordRefund(db, gift, change, requested, context, 'vipps');
	return { ok: true, refundedMinor };
}
