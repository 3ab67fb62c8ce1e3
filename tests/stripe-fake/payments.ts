import type Stripe from 'stripe';
import { ApiError, invalid } from './http.ts';
import { newBalanceTransaction, newCharge, newPaymentIntent, newRefund } from './objects.ts';
import type { FakeState } from './state.ts';

/** Fixed part of the card fee per currency, in minor units, unless the options say otherwise. */
export const defaultCardFeeFixedMinor: Record<string, number> = {
	nok: 200,
	sek: 180,
	dkk: 180,
	eur: 25,
	usd: 30,
	gbp: 20
};

const declineMessages: Record<string, string> = {
	insufficient_funds: 'Your card has insufficient funds.',
	expired_card: 'Your card has expired.',
	incorrect_cvc: "Your card's security code is incorrect.",
	processing_error: 'An error occurred while processing your card. Try again in a little bit.'
};

/** Stripe reports these declines under their own error code; all others are `card_declined`. */
const declinesWithOwnCode = [
	'expired_card',
	'incorrect_cvc',
	'processing_error',
	'incorrect_number'
];

export function cardFee(state: FakeState, amount: number, currency: string): number {
	const { cardFeeBasisPoints, cardFeeFixedMinor } = state.options;
	return Math.round((amount * cardFeeBasisPoints) / 10000) + (cardFeeFixedMinor[currency] ?? 0);
}

export function createPaymentIntent(
	state: FakeState,
	fields: Parameters<typeof newPaymentIntent>[0]
): Stripe.PaymentIntent {
	const intent = newPaymentIntent(fields);
	state.objects.paymentIntents.set(intent.id, intent);
	return intent;
}

/**
 * Charges the test card for a PaymentIntent: a succeeded charge with its balance transaction
 * (fee and net), or, given a decline code, a failed charge that leaves the intent asking for a
 * new payment method, as a declined card does.
 */
export function attemptPayment(
	state: FakeState,
	intent: Stripe.PaymentIntent,
	billing: { email: string | null; name: string | null },
	declineCode?: string
): Stripe.Charge {
	const charge = newCharge(intent, billing);
	state.objects.charges.set(charge.id, charge);
	intent.latest_charge = charge.id;
	if (declineCode === undefined) {
		const fee = cardFee(state, charge.amount, charge.currency);
		const txn = newBalanceTransaction({
			amount: charge.amount,
			fee,
			currency: charge.currency,
			source: charge.id,
			type: 'charge'
		});
		state.objects.balanceTransactions.set(txn.id, txn);
		charge.balance_transaction = txn.id;
		Object.assign(intent, {
			status: 'succeeded',
			amount_received: intent.amount,
			last_payment_error: null
		} satisfies Partial<Stripe.PaymentIntent>);
		return charge;
	}
	const code = declinesWithOwnCode.includes(declineCode) ? declineCode : 'card_declined';
	const message = declineMessages[declineCode] ?? 'Your card was declined.';
	Object.assign(charge, {
		status: 'failed',
		paid: false,
		captured: false,
		amount_captured: 0,
		failure_code: code,
		failure_message: message,
		outcome: {
			advice_code: null,
			network_advice_code: null,
			network_decline_code: null,
			network_status: 'declined_by_network',
			reason: declineCode,
			risk_level: 'normal',
			risk_score: 20,
			seller_message: 'The bank did not return any further details with this decline.',
			type: 'issuer_declined'
		}
	} satisfies Partial<Stripe.Charge>);
	Object.assign(intent, {
		status: 'requires_payment_method',
		last_payment_error: {
			type: 'card_error',
			code,
			decline_code: declineCode,
			message,
			charge: charge.id,
			doc_url: `https://stripe.com/docs/error-codes/${code}`,
			payment_method_type: 'card'
		}
	} satisfies Partial<Stripe.PaymentIntent>);
	return charge;
}

/**
 * Refunds (part of) a charge. Like Stripe, the refund succeeds at once for cards and gets its
 * own negative balance transaction; the charge's refunded amount goes up.
 */
export function refundCharge(
	state: FakeState,
	charge: Stripe.Charge,
	amount: number | undefined,
	reason: Stripe.Refund.Reason | null,
	metadata: Record<string, string>
): Stripe.Refund {
	if (charge.status !== 'succeeded') {
		throw invalid(`Charge ${charge.id} has not succeeded, so it can't be refunded.`);
	}
	const refundable = charge.amount - charge.amount_refunded;
	if (refundable === 0) {
		throw new ApiError(400, `Charge ${charge.id} has already been refunded.`, {
			code: 'charge_already_refunded'
		});
	}
	const value = amount ?? refundable;
	if (value < 1 || value > refundable) {
		throw new ApiError(
			400,
			`Refund amount (${value}) is greater than unrefunded amount on charge (${refundable})`,
			{ code: 'amount_too_large', param: 'amount' }
		);
	}
	const refund = newRefund(charge, value, reason, metadata);
	const txn = newBalanceTransaction({
		amount: -value,
		fee: 0,
		currency: charge.currency,
		source: refund.id,
		type: 'refund'
	});
	state.objects.balanceTransactions.set(txn.id, txn);
	refund.balance_transaction = txn.id;
	state.objects.refunds.set(refund.id, refund);
	charge.amount_refunded += value;
	charge.refunded = charge.amount_refunded === charge.amount;
	return refund;
}
