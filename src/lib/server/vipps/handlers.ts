import { sql, type Kysely, type Transaction } from 'kysely';
import type { ContributionStatus } from '../../giving/vocabulary.ts';
import { copyAttribution } from '../campaigns/campaigns.ts';
import { markGiftRefunded, recordGift } from '../giving/contributions.ts';
import type { Database, VippsPayment } from '../db/schema.ts';
import { findOrCreateSupporterByEmail, recordContactConsent } from '../supporters/supporters.ts';
import { isLocale } from '../../locales.ts';
import type { VippsClient } from './client.ts';
import { idempotencyKey } from './payments.ts';
import type { Payment } from './types.ts';

// Whatever Vipps reports about a payment (any event, in any order, or a poll), Komak asks Vipps
// for the payment as it is now and makes its records follow. An authorized gift is captured at
// once (a gift has nothing to deliver first), with one idempotency key per payment, so two
// instances capturing at the same moment capture once. The network work happens first, with no
// database lock held; the database work is returned to run in the event's short transaction.

type Trx = Transaction<Database>;
export type ApplyChanges = (trx: Trx) => Promise<void>;

const nothing: ApplyChanges = async () => {};

/** Captures what is authorized and not yet captured or cancelled, and returns the payment after. */
async function captureIfAuthorized(vipps: VippsClient, payment: Payment): Promise<Payment> {
	const { authorizedAmount, capturedAmount, cancelledAmount } = payment.aggregate;
	const left = authorizedAmount.value - capturedAmount.value - cancelledAmount.value;
	if (payment.state !== 'AUTHORIZED' || capturedAmount.value > 0 || left <= 0) return payment;
	const captured = await vipps.capturePayment(
		payment.reference,
		{ currency: payment.amount.currency, value: left },
		idempotencyKey(payment.reference, 'capture')
	);
	return { ...payment, ...captured };
}

function giftStatus({ capturedAmount, refundedAmount }: Payment['aggregate']): ContributionStatus {
	if (refundedAmount.value === 0) return 'succeeded';
	return refundedAmount.value >= capturedAmount.value ? 'refunded' : 'partially_refunded';
}

/**
 * Brings Komak's record of one of its Vipps payments up to date with Vipps. Payments Komak did
 * not start (another shop on the same merchant serial number) are left alone.
 */
export async function settleVippsPayment(
	db: Kysely<Database>,
	vipps: VippsClient,
	reference: string,
	{ receivedAt = new Date() }: { receivedAt?: Date } = {}
): Promise<ApplyChanges> {
	const ours = await db
		.selectFrom('vipps_payment')
		.select('reference')
		.where('reference', '=', reference)
		.executeTakeFirst();
	if (!ours) return nothing;
	const payment = await captureIfAuthorized(vipps, await vipps.getPayment(reference));
	return async (trx) => {
		const attempt = await trx
			.updateTable('vipps_payment')
			.set({ state: payment.state, updated_at: sql`now()` })
			.where('reference', '=', reference)
			.returningAll()
			.executeTakeFirstOrThrow();
		if (payment.aggregate.capturedAmount.value > 0)
			await recordOneOffGift(trx, attempt, payment, receivedAt);
	};
}

async function recordOneOffGift(
	trx: Trx,
	attempt: VippsPayment,
	payment: Payment,
	receivedAt: Date
) {
	// A later report (a refund) finds the gift's supporter; the first one finds or makes them by
	// email. A payment whose supporter was erased before the gift was recorded stays unrecorded.
	const recorded = await trx
		.selectFrom('contribution')
		.select('supporter_id')
		.where('channel', '=', 'vipps')
		.where('external_reference', '=', attempt.reference)
		.executeTakeFirst();
	const supporterId =
		recorded?.supporter_id ??
		(attempt.email
			? (
					await findOrCreateSupporterByEmail(trx, {
						email: attempt.email,
						name: attempt.name,
						...(isLocale(attempt.locale) && { preferred_locale: attempt.locale })
					})
				).id
			: null);
	if (!supporterId) return;
	if (!recorded) await recordContactConsent(trx, supporterId, attempt.contact_consent_wording);
	const { capturedAmount, refundedAmount } = payment.aggregate;
	const status = giftStatus(payment.aggregate);
	await recordGift(trx, {
		supporter_id: supporterId,
		channel: 'vipps',
		kind: 'one_off',
		amount_minor: capturedAmount.value,
		currency: capturedAmount.currency,
		fee_minor: null,
		net_minor: null,
		status,
		received_at: receivedAt,
		external_reference: attempt.reference,
		// Our reference is the payment's name at Vipps, in its API and its settlement reports.
		payment_reference: attempt.reference,
		is_anonymous: attempt.is_anonymous,
		dedication: attempt.dedication,
		receipt_requested: true,
		...copyAttribution(attempt)
	});
	if (refundedAmount.value > 0) {
		await markGiftRefunded(
			trx,
			attempt.reference,
			{
				status: status === 'refunded' ? 'refunded' : 'partially_refunded',
				refunded_minor: refundedAmount.value
			},
			'vipps'
		);
	}
}
