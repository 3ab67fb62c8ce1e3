import type Stripe from 'stripe';
import { newInvoicePayment, newSubscriptionInvoice } from './billing-objects.ts';
import { emit } from './events.ts';
import { now } from './objects.ts';
import { attemptPayment, createPaymentIntent } from './payments.ts';
import { apiList, type FakeState } from './state.ts';

export function customerOf(state: FakeState, id: string | { id: string } | null): Stripe.Customer {
	const customer = id && state.objects.customers.get(typeof id === 'string' ? id : id.id);
	if (!customer) throw new Error(`The Stripe fake lost customer ${JSON.stringify(id)}`);
	return customer;
}

export function createInvoice(
	state: FakeState,
	subscription: Stripe.Subscription,
	billingReason: 'subscription_create' | 'subscription_cycle',
	periodStart: number,
	periodEnd: number
): Stripe.Invoice {
	const invoice = newSubscriptionInvoice({
		subscription,
		customer: customerOf(state, subscription.customer),
		billingReason,
		periodStart,
		periodEnd,
		products: state.objects.products
	});
	state.objects.invoices.set(invoice.id, invoice);
	return invoice;
}

/** The invoice's payment record, which links it to the PaymentIntent that collects it. */
export function paymentOf(state: FakeState, invoiceId: string): Stripe.InvoicePayment | undefined {
	for (const payment of state.objects.invoicePayments.values()) {
		if (payment.invoice === invoiceId) return payment;
	}
	return undefined;
}

/** `invoice.payments`, which Stripe includes only when it is expanded. */
export function invoicePayments(
	state: FakeState,
	invoiceId: string
): Stripe.ApiList<Stripe.InvoicePayment> {
	const payments = [...state.objects.invoicePayments.values()].filter(
		(p) => p.invoice === invoiceId
	);
	return apiList(payments, `/v1/invoices/${invoiceId}/payments`);
}

/**
 * Finalizes a draft: it gets a number, becomes open, and (unless collection is paused) a
 * PaymentIntent to collect it with.
 */
export function finalizeInvoice(state: FakeState, invoice: Stripe.Invoice, collect = true): void {
	const customer = customerOf(state, invoice.customer);
	const sequence = customer.next_invoice_sequence ?? 1;
	customer.next_invoice_sequence = sequence + 1;
	const at = now();
	Object.assign(invoice, {
		status: 'open',
		number: `${customer.invoice_prefix}-${String(sequence).padStart(4, '0')}`,
		effective_at: at,
		status_transitions: { ...invoice.status_transitions, finalized_at: at }
	} satisfies Partial<Stripe.Invoice>);
	if (!collect) return;
	const intent = createPaymentIntent(state, {
		amount: invoice.amount_due,
		currency: invoice.currency,
		customer: customer.id,
		metadata: {},
		description:
			invoice.billing_reason === 'subscription_create'
				? 'Subscription creation'
				: 'Subscription update'
	});
	const payment = newInvoicePayment(invoice, intent.id);
	state.objects.invoicePayments.set(payment.id, payment);
}

/** One collection attempt on an open invoice; true when it got paid. */
export function chargeInvoice(
	state: FakeState,
	invoice: Stripe.Invoice,
	declineCode?: string
): boolean {
	const payment = paymentOf(state, invoice.id);
	const intent =
		payment && state.objects.paymentIntents.get(String(payment.payment.payment_intent));
	if (!payment || !intent) throw new Error(`Invoice ${invoice.id} has no payment to attempt`);
	const customer = customerOf(state, invoice.customer);
	attemptPayment(
		state,
		intent,
		{ email: customer.email, name: customer.name ?? null },
		declineCode
	);
	const at = now();
	invoice.attempted = true;
	invoice.attempt_count += 1;
	if (intent.status !== 'succeeded') {
		// Smart Retries would try again in a few days.
		invoice.next_payment_attempt = at + 3 * 86400;
		return false;
	}
	Object.assign(invoice, {
		status: 'paid',
		amount_paid: invoice.amount_due,
		amount_remaining: 0,
		next_payment_attempt: null,
		status_transitions: { ...invoice.status_transitions, paid_at: at }
	} satisfies Partial<Stripe.Invoice>);
	Object.assign(payment, {
		status: 'paid',
		amount_paid: invoice.amount_due,
		status_transitions: { ...payment.status_transitions, paid_at: at }
	} satisfies Partial<Stripe.InvoicePayment>);
	return true;
}

/**
 * Finalizes and collects a new invoice, emitting what Stripe does along the way. Paused
 * collection does what its behavior says instead of charging.
 */
export function collectNewInvoice(
	state: FakeState,
	invoice: Stripe.Invoice,
	pause: Stripe.Subscription.PauseCollection | null,
	declineCode?: string
): boolean {
	if (pause?.behavior === 'keep_as_draft') {
		invoice.auto_advance = false;
		return false;
	}
	finalizeInvoice(state, invoice, pause === null);
	emit(state, 'invoice.finalized', invoice);
	if (pause) {
		const at = now();
		const voiding = pause.behavior === 'void';
		Object.assign(invoice, {
			status: voiding ? 'void' : 'uncollectible',
			auto_advance: false,
			status_transitions: {
				...invoice.status_transitions,
				...(voiding ? { voided_at: at } : { marked_uncollectible_at: at })
			}
		} satisfies Partial<Stripe.Invoice>);
		emit(state, voiding ? 'invoice.voided' : 'invoice.marked_uncollectible', invoice);
		return false;
	}
	return settleAttempt(state, invoice, declineCode);
}

/** Charges an open invoice and emits the outcome. */
export function settleAttempt(
	state: FakeState,
	invoice: Stripe.Invoice,
	declineCode?: string
): boolean {
	const paid = chargeInvoice(state, invoice, declineCode);
	if (paid) {
		emit(state, 'invoice.paid', invoice);
		emit(state, 'invoice.payment_succeeded', invoice);
	} else {
		emit(state, 'invoice.payment_failed', invoice);
	}
	return paid;
}
