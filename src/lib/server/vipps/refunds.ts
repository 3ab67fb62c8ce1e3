import type { Kysely } from 'kysely';
import type { Contribution, Database } from '../db/schema.ts';
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

/**
 * A gift given through the appeal's Vipps button (a one-off payment, or a month's charge of an
 * agreement), with something left to refund.
 */
export const isRefundableVippsGift = (gift: {
	channel: string;
	kind: string;
	recurring_plan_id: string | null;
	payment_reference: string | null;
	amount_minor: number;
	refunded_minor: number;
	status: string;
}) =>
	gift.channel === 'vipps' &&
	gift.payment_reference !== null &&
	(gift.kind === 'monthly'
		? gift.recurring_plan_id !== null
		: isVippsReference(gift.payment_reference)) &&
	gift.amount_minor > gift.refunded_minor &&
	['succeeded', 'partially_refunded'].includes(gift.status);

/** What Vipps shows the supporter beside a refunded charge. */
const REFUND_DESCRIPTION = 'Refund';

/** Refunds part or all of a month's charge (Recurring API) and returns how much is refunded now. */
async function refundMonthlyCharge(
	db: Kysely<Database>,
	vipps: VippsClient,
	gift: Contribution,
	amountMinor: number
): Promise<number> {
	const plan = await db
		.selectFrom('recurring_plan')
		.select('external_id')
		.where('id', '=', gift.recurring_plan_id!)
		.where('channel', '=', 'vipps')
		.executeTakeFirst();
	if (!plan?.external_id) throw new Error('the monthly gift has no Vipps agreement');
	const chargeId = gift.payment_reference!;
	await vipps.refundCharge(
		plan.external_id,
		chargeId,
		{ amount: amountMinor, description: REFUND_DESCRIPTION },
		`r${gift.refunded_minor}-${chargeId}`.slice(0, 50)
	);
	const charge = await vipps.getCharge(plan.external_id, chargeId);
	return charge.summary?.refunded ?? gift.refunded_minor + amountMinor;
}

/**
 * Refunds a Vipps gift (all of it, or `amountMinor` of it): a one-off through the ePayment API,
 * a month's charge through the Recurring API. Vipps's answer updates the gift at once; what Vipps
 * reports later (a webhook, `vipps:sync`) sets the same figures again.
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
		if (gift.kind === 'monthly') {
			refundedMinor = await refundMonthlyCharge(db, vipps, gift, requested);
		} else {
			const answer = await vipps.refundPayment(
				reference,
				{ currency: gift.currency.trim(), value: requested },
				// A double click, or a retry after a lost answer, refunds once (at most 50 characters).
				`r${gift.refunded_minor}-${reference.replace(/^komak-/, '')}`
			);
			refundedMinor = answer.aggregate.refundedAmount.value;
		}
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
