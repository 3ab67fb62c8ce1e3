import type Stripe from 'stripe';

// Reading Stripe objects that may arrive as ids or expanded: whatever an event carries, the
// missing piece is fetched from the API, so any event can be handled first.

export const idOf = (value: string | { id: string } | null | undefined): string | null =>
	value == null ? null : typeof value === 'string' ? value : value.id;

export interface PaymentDetails {
	paymentIntentId: string | null;
	feeMinor: number | null;
	netMinor: number | null;
	paidAt: Date | null;
	failureReason: string | null;
}

/** Gross, Stripe's fee and net from the payment's balance transaction, when Stripe has it yet. */
export async function paymentDetails(
	stripe: Stripe,
	paymentIntent: string | Stripe.PaymentIntent | null | undefined
): Promise<PaymentDetails> {
	const id = idOf(paymentIntent);
	if (!id)
		return {
			paymentIntentId: null,
			feeMinor: null,
			netMinor: null,
			paidAt: null,
			failureReason: null
		};
	// Use what the caller already expanded; fetch only what is missing.
	const intent =
		paymentIntent &&
		typeof paymentIntent === 'object' &&
		typeof paymentIntent.latest_charge === 'object' &&
		typeof paymentIntent.latest_charge?.balance_transaction === 'object'
			? paymentIntent
			: await stripe.paymentIntents.retrieve(id, { expand: ['latest_charge.balance_transaction'] });
	const charge = typeof intent.latest_charge === 'object' ? intent.latest_charge : null;
	const balance =
		charge && typeof charge.balance_transaction === 'object' ? charge.balance_transaction : null;
	const error = intent.last_payment_error;
	return {
		paymentIntentId: id,
		feeMinor: balance ? balance.fee : null,
		netMinor: balance ? balance.net : null,
		paidAt: charge ? new Date(charge.created * 1000) : null,
		failureReason: error ? (error.decline_code ?? error.code ?? error.message ?? null) : null
	};
}

/** The PaymentIntent that paid (or tried to pay) an invoice. */
export async function invoicePaymentIntent(
	stripe: Stripe,
	invoice: Stripe.Invoice
): Promise<string | null> {
	const payments =
		invoice.payments ??
		(await stripe.invoices.retrieve(invoice.id!, { expand: ['payments'] })).payments;
	const payment =
		payments?.data.find((p) => p.payment.type === 'payment_intent') ?? payments?.data[0];
	return idOf(payment?.payment.payment_intent);
}

export function invoiceSubscriptionId(invoice: Stripe.Invoice): string | null {
	return idOf(invoice.parent?.subscription_details?.subscription);
}

/** What a charge's refunds make of its gift: the refunded amount, and the status unless disputed. */
export function refundChange(
	charge: Stripe.Charge
): { refunded_minor: number; status?: 'refunded' | 'partially_refunded' } | null {
	if (charge.amount_refunded === 0) return null;
	return {
		refunded_minor: charge.amount_refunded,
		...(!charge.disputed && {
			status: charge.amount_refunded >= charge.amount ? 'refunded' : 'partially_refunded'
		})
	};
}
