import type { Kysely } from 'kysely';
import type Stripe from 'stripe';
import type { Channel } from '../../giving/vocabulary.ts';
import type { Contribution, Database } from '../db/schema.ts';
import { recordAudit } from '../organisation/audit.ts';
import { refundChange } from '../stripe/payments.ts';
import { findGift, markGiftRefunded } from './contributions.ts';
import type { StaffContext } from './manual-gifts.ts';

// Card refunds staff make from a gift's page: whether a gift may be refunded, and the refund
// itself, through Stripe.

/** Why a gift can or cannot be refunded from its page, the first failing condition named. */
export type Refundability =
	| { refundable: true; remainingMinor: number }
	| {
			refundable: false;
			reason:
				'not_card' | 'no_payment' | 'nothing_left' | 'not_paid' | 'card_payments_off' | 'not_admin';
	  };

/** Statuses of a card gift whose money the organisation holds (some of it, at least). */
const refundableStatuses: readonly Contribution['status'][] = ['succeeded', 'partially_refunded'];

/**
 * A gift may be refunded when it came by card with a payment Stripe knows, some of it is still
 * kept, it was paid (not pending, failed, disputed, refunded or voided), card payments are on and
 * the staff member is an admin.
 */
export function refundability(
	gift: Pick<
		Contribution,
		'channel' | 'payment_reference' | 'amount_minor' | 'refunded_minor' | 'status'
	>,
	{ isCardPaymentConfigured, isAdmin }: { isCardPaymentConfigured: boolean; isAdmin: boolean }
): Refundability {
	const remainingMinor = gift.amount_minor - gift.refunded_minor;
	if (gift.channel !== 'card') return { refundable: false, reason: 'not_card' };
	if (gift.payment_reference === null) return { refundable: false, reason: 'no_payment' };
	if (remainingMinor <= 0) return { refundable: false, reason: 'nothing_left' };
	if (!refundableStatuses.includes(gift.status)) return { refundable: false, reason: 'not_paid' };
	if (!isCardPaymentConfigured) return { refundable: false, reason: 'card_payments_off' };
	if (!isAdmin) return { refundable: false, reason: 'not_admin' };
	return { refundable: true, remainingMinor };
}

export type RefundOutcome =
	| { ok: true; refundedMinor: number }
	| {
			ok: false;
			reason: 'not_found' | 'not_refundable' | 'too_much' | 'stripe_error';
			message?: string;
	  };

/**
 * Refunds a card gift (all of it, or `amountMinor` of it) through Stripe. Stripe's answer updates
 * the gift at once; the charge.refunded webhook later sets the same figures again, harmlessly.
 * It refuses what the page's `refundability` would not offer (a gift not paid, disputed or
 * already refunded), so a form posted from a stale page changes nothing.
 */
export async function refundCardGift(
	db: Kysely<Database>,
	stripe: Stripe,
	id: string,
	amountMinor: number | null,
	context: StaffContext
): Promise<RefundOutcome> {
	const gift = await findGift(db, id);
	if (!gift) return { ok: false, reason: 'not_found' };
	// The caller holds Stripe's client and has checked the staff member's role.
	const allowed = refundability(gift, { isCardPaymentConfigured: true, isAdmin: true });
	if (!allowed.refundable) return { ok: false, reason: 'not_refundable' };
	const refundable = allowed.remainingMinor;
	if (amountMinor !== null && amountMinor > refundable) return { ok: false, reason: 'too_much' };
	let charge: Stripe.Charge;
	try {
		const refund = await stripe.refunds.create(
			{
				payment_intent: gift.payment_reference!, // refundability() found one
				...(amountMinor !== null && { amount: amountMinor }),
				metadata: { komak_contribution_id: gift.id, komak_staff_user_id: context.staffUserId }
			},
			// A double click, or a retry after a lost answer, refunds once.
			{ idempotencyKey: `komak-refund-${gift.id}-${gift.refunded_minor}-${amountMinor ?? 'all'}` }
		);
		charge = await stripe.charges.retrieve(
			typeof refund.charge === 'string' ? refund.charge : refund.charge!.id
		);
	} catch (error) {
		return { ok: false, reason: 'stripe_error', message: (error as Error).message };
	}
	await recordRefund(db, gift, refundChange(charge), amountMinor ?? refundable, context);
	return { ok: true, refundedMinor: charge.amount_refunded };
}

/**
 * Sets a gift's refunded figures as the provider answered them (nothing, if it answered none) and
 * notes in the audit log who asked for how much, in one transaction.
 */
export async function recordRefund(
	db: Kysely<Database>,
	gift: Pick<Contribution, 'id' | 'status' | 'refunded_minor' | 'payment_reference'>,
	change: { refunded_minor: number; status?: 'refunded' | 'partially_refunded' } | null,
	requestedMinor: number,
	context: StaffContext,
	channel: Channel = 'card'
): Promise<void> {
	await db.transaction().execute(async (trx) => {
		if (change) await markGiftRefunded(trx, gift.payment_reference!, change, channel);
		await recordAudit(trx, {
			staffUserId: context.staffUserId,
			requestId: context.requestId,
			action: 'contribution.refund',
			entityType: 'contribution',
			entityId: gift.id,
			before: { status: gift.status, refunded_minor: gift.refunded_minor },
			after: { ...change, requested_minor: requestedMinor }
		});
	});
}
