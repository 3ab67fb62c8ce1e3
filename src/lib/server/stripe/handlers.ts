import { sql, type Transaction } from 'kysely';
import type Stripe from 'stripe';
import type { PlanStatus } from '../../giving/vocabulary.ts';
import {
	markGiftDispute,
	markGiftRefunded,
	markPendingCardGiftFailed,
	recordGift
} from '../giving/contributions.ts';
import type { CheckoutAttempt, Database } from '../db/schema.ts';
import { copyAttribution } from '../campaigns/campaigns.ts';
import { queuePaymentFailedEmail } from '../mail/payment-failed-email.ts';
import { findPlanByExternalId, upsertPlan } from '../giving/plans.ts';
import { findOrCreateStripeSupporter, recordContactConsent } from '../supporters/supporters.ts';
import {
	idOf,
	invoicePaymentIntent,
	invoiceSubscriptionId,
	paymentDetails,
	refundChange,
	type PaymentDetails
} from './payments.ts';

// Each handler works in two steps: first it asks Stripe for the current objects (network, no
// database lock held), then it returns the database work, which runs in the event's short
// transaction. Objects are always read fresh from Stripe, so any order of events ends in the
// same state.

type Trx = Transaction<Database>;
export type ApplyChanges = (trx: Trx) => Promise<void>;
export interface EventContext {
	/** The site's public origin, for links in the emails an event queues. */
	origin: string;
}
type Handler = (
	stripe: Stripe,
	event: Stripe.Event,
	context: EventContext
) => Promise<ApplyChanges>;

const nothing: ApplyChanges = async () => {};
const upper = (currency: string) => currency.toUpperCase();
const date = (seconds: number | null | undefined) => (seconds ? new Date(seconds * 1000) : null);

function planStatus(subscription: Stripe.Subscription): PlanStatus | null {
	switch (subscription.status) {
		case 'active':
		case 'trialing':
			return subscription.pause_collection ? 'paused' : 'active';
		case 'paused':
			return 'paused';
		case 'past_due':
		case 'unpaid':
			return 'past_due';
		case 'canceled':
		case 'incomplete_expired':
			return 'canceled';
		default:
			return null; // incomplete: no plan until the first payment goes through
	}
}

const attemptId = (metadata: Stripe.Metadata | null | undefined) => {
	const id = metadata?.komak_attempt_id;
	return id && /^[0-9a-f-]{36}$/.test(id) ? id : undefined;
};

/** The appeal's record of this checkout, with what the supporter chose there. */
async function attemptOf(trx: Trx, metadata: Stripe.Metadata | null | undefined) {
	const id = attemptId(metadata);
	if (!id) return undefined;
	return trx.selectFrom('checkout_attempt').selectAll().where('id', '=', id).executeTakeFirst();
}

/** Marks the attempt done (a completed one stays completed) and returns it. */
async function settleAttempt(
	trx: Trx,
	metadata: Stripe.Metadata | null | undefined,
	status: 'completed' | 'expired' | 'failed'
) {
	const id = attemptId(metadata);
	if (!id) return undefined;
	const settled = await trx
		.updateTable('checkout_attempt')
		.set({ status, updated_at: sql`now()` })
		.where('id', '=', id)
		.where('status', '<>', 'completed')
		.returningAll()
		.executeTakeFirst();
	return settled ?? attemptOf(trx, metadata);
}

/** A subscription with its customer, as Stripe has it now. */
const fetchSubscription = (stripe: Stripe, id: string) =>
	stripe.subscriptions.retrieve(id, { expand: ['customer'] });

/** Mirrors the subscription in the plan; creates the supporter and plan if they are new. */
async function applySubscription(
	trx: Trx,
	subscription: Stripe.Subscription,
	failureReason?: string | null,
	knownAttempt?: CheckoutAttempt
) {
	const status = planStatus(subscription);
	const existing = await findPlanByExternalId(trx, 'card', subscription.id);
	if (!status && !existing) return null;
	let supporterId = existing?.supporter_id;
	// A new plan keeps where its checkout came from (events may come before the session's own).
	const attempt = existing
		? undefined
		: (knownAttempt ?? (await attemptOf(trx, subscription.metadata)));
	if (!supporterId) {
		const customer = typeof subscription.customer === 'object' ? subscription.customer : null;
		const supporter = await findOrCreateStripeSupporter(trx, {
			customerId: idOf(subscription.customer),
			email: attempt?.email ?? (customer && !customer.deleted ? customer.email : null),
			name: attempt?.name,
			locale: attempt?.locale
		});
		supporterId = supporter.id;
		await recordContactConsent(trx, supporterId, attempt?.contact_consent_wording);
	}
	const item = subscription.items.data[0];
	return upsertPlan(trx, {
		supporterId,
		channel: 'card',
		externalId: subscription.id,
		amountMinor: (item?.price.unit_amount ?? 0) * (item?.quantity ?? 1),
		currency: upper(item?.price.currency ?? subscription.currency),
		status: status ?? existing!.status,
		startedAt: new Date((subscription.start_date ?? subscription.created) * 1000),
		canceledAt: date(subscription.canceled_at),
		cancelAtPeriodEnd: subscription.cancel_at_period_end,
		currentPeriodEnd: date(item?.current_period_end),
		lastFailureReason: failureReason,
		cancellationComment: subscription.cancellation_details?.comment || null,
		attribution: copyAttribution(attempt)
	});
}

interface InvoiceFacts {
	invoice: Stripe.Invoice;
	subscription: Stripe.Subscription;
	payment: PaymentDetails;
	outcome: 'succeeded' | 'failed';
}

async function fetchInvoice(
	stripe: Stripe,
	invoiceId: string,
	outcome: 'succeeded' | 'failed'
): Promise<InvoiceFacts | null> {
	// One request brings the invoice with its payments and its subscription (with the customer a
	// new supporter is made from); only the payment's fee needs a second one.
	const invoice = await stripe.invoices.retrieve(invoiceId, {
		expand: ['payments', 'parent.subscription_details.subscription.customer']
	});
	const subscription = invoice.parent?.subscription_details?.subscription;
	return invoiceFacts(
		stripe,
		invoice,
		outcome,
		typeof subscription === 'object' && subscription ? subscription : undefined
	);
}

/** What a monthly invoice needs from Stripe besides itself; a subscription in hand is reused. */
async function invoiceFacts(
	stripe: Stripe,
	invoice: Stripe.Invoice,
	outcome: 'succeeded' | 'failed',
	knownSubscription?: Stripe.Subscription
): Promise<InvoiceFacts | null> {
	const subscriptionId = invoiceSubscriptionId(invoice);
	if (!subscriptionId) return null; // not a monthly gift
	const [payment, subscription] = await Promise.all([
		invoicePaymentIntent(stripe, invoice).then((intent) => paymentDetails(stripe, intent)),
		knownSubscription ?? fetchSubscription(stripe, subscriptionId)
	]);
	return { invoice, subscription, payment, outcome };
}

/** A failed payment whose invoice Stripe still wants paid: not paid since, voided or forgiven. */
const isStillOwed = ({ invoice, outcome }: InvoiceFacts) =>
	outcome === 'failed' && invoice.status === 'open';

/** Every paid (or failed) monthly invoice is one contribution, keyed by the invoice id. */
async function applyInvoice(trx: Trx, facts: InvoiceFacts, attempt?: CheckoutAttempt) {
	const { invoice, subscription, payment, outcome } = facts;
	// A failure reported after the invoice got paid after all (events come in any order) is
	// history: the plan then follows the subscription and its decline reason is cleared.
	const failure = isStillOwed(facts) ? (payment.failureReason ?? 'payment_failed') : undefined;
	const plan = await applySubscription(trx, subscription, failure, attempt);
	if (!plan) return null;
	await recordGift(trx, {
		supporter_id: plan.supporter_id,
		recurring_plan_id: plan.id,
		channel: 'card',
		kind: 'monthly',
		amount_minor: outcome === 'succeeded' ? invoice.amount_paid : invoice.amount_due,
		currency: upper(invoice.currency),
		fee_minor: payment.feeMinor,
		net_minor: payment.netMinor,
		status: outcome,
		received_at: date(invoice.status_transitions?.paid_at) ?? new Date(invoice.created * 1000),
		external_reference: invoice.id!,
		payment_reference: payment.paymentIntentId,
		is_anonymous: subscription.metadata?.is_anonymous === 'true',
		dedication: subscription.metadata?.dedication ?? '',
		...copyAttribution(plan)
	});
	return plan;
}

const checkoutPaid: Handler = async (stripe, event) => {
	const { id, mode } = event.data.object as Stripe.Checkout.Session;
	// The mode never changes, so the event's copy says which objects to expand: one request
	// brings what a one-off gift needs, and a monthly one needs only its payment besides.
	const session = await stripe.checkout.sessions.retrieve(id, {
		expand:
			mode === 'subscription'
				? ['subscription.customer', 'invoice.payments']
				: ['payment_intent.latest_charge.balance_transaction']
	});
	if (session.mode === 'subscription') {
		const subscription = typeof session.subscription === 'object' ? session.subscription : null;
		const invoice =
			typeof session.invoice === 'object' && session.invoice
				? await invoiceFacts(stripe, session.invoice, 'succeeded', subscription ?? undefined)
				: null;
		return async (trx) => {
			const attempt = await settleAttempt(trx, session.metadata, 'completed');
			// The invoice's subscription is the session's: applying the invoice mirrors it too.
			if (invoice) await applyInvoice(trx, invoice, attempt);
			else if (subscription) await applySubscription(trx, subscription, undefined, attempt);
		};
	}
	if (session.mode !== 'payment' || !session.payment_intent) return nothing;
	const payment = await paymentDetails(stripe, session.payment_intent);
	return async (trx) => {
		const attempt = await settleAttempt(trx, session.metadata, 'completed');
		const supporter = await findOrCreateStripeSupporter(trx, {
			customerId: idOf(session.customer),
			email: session.customer_details?.email ?? session.customer_email ?? attempt?.email ?? null,
			name: attempt?.name || session.customer_details?.name || '',
			locale: attempt?.locale
		});
		await recordContactConsent(trx, supporter.id, attempt?.contact_consent_wording);
		await recordGift(trx, {
			supporter_id: supporter.id,
			channel: 'card',
			kind: 'one_off',
			amount_minor: session.amount_total!,
			currency: upper(session.currency!),
			fee_minor: payment.feeMinor,
			net_minor: payment.netMinor,
			status: session.payment_status === 'paid' ? 'succeeded' : 'pending',
			received_at: payment.paidAt ?? new Date(session.created * 1000),
			external_reference: payment.paymentIntentId!,
			payment_reference: payment.paymentIntentId,
			is_anonymous: (attempt?.is_anonymous ?? session.metadata?.is_anonymous === 'true') === true,
			dedication: attempt?.dedication ?? session.metadata?.dedication ?? '',
			...copyAttribution(attempt)
		});
	};
};

const checkoutFailed =
	(status: 'expired' | 'failed'): Handler =>
	async (_stripe, event) => {
		const session = event.data.object as Stripe.Checkout.Session;
		const paymentIntentId = idOf(session.payment_intent);
		return async (trx) => {
			await settleAttempt(trx, session.metadata, status);
			if (status !== 'failed' || !paymentIntentId) return;
			await markPendingCardGiftFailed(trx, paymentIntentId);
		};
	};

const invoiceOutcome =
	(outcome: 'succeeded' | 'failed'): Handler =>
	async (stripe, event, { origin }) => {
		const facts = await fetchInvoice(stripe, (event.data.object as Stripe.Invoice).id!, outcome);
		if (!facts) return nothing;
		return async (trx) => {
			const plan = await applyInvoice(trx, facts);
			// The supporter hears of a failed payment while it can still be put right.
			if (!plan || !isStillOwed(facts) || plan.status === 'canceled') return;
			await queuePaymentFailedEmail(trx, {
				supporterId: plan.supporter_id,
				invoiceId: facts.invoice.id!,
				amountMinor: facts.invoice.amount_due,
				currency: upper(facts.invoice.currency),
				declineCode: plan.last_failure_reason,
				nextAttemptAt: date(facts.invoice.next_payment_attempt),
				origin
			});
		};
	};

const subscriptionChanged: Handler = async (stripe, event) => {
	const subscription = await fetchSubscription(
		stripe,
		(event.data.object as Stripe.Subscription).id
	);
	return async (trx) => {
		await applySubscription(trx, subscription);
	};
};

/** Refunds change a gift's status and refunded amount; the gift itself stays. */
const chargeRefunded: Handler = async (stripe, event) => {
	const object = event.data.object as Stripe.Charge | Stripe.Refund;
	const chargeId = object.object === 'charge' ? object.id : idOf(object.charge);
	if (!chargeId) return nothing;
	const charge = await stripe.charges.retrieve(chargeId);
	const paymentIntentId = idOf(charge.payment_intent);
	const change = refundChange(charge);
	if (!paymentIntentId || !change) return nothing;
	return async (trx) => {
		await markGiftRefunded(trx, paymentIntentId, change);
	};
};

const disputeChanged: Handler = async (stripe, event) => {
	const dispute = event.data.object as Stripe.Dispute;
	const paymentIntentId =
		idOf(dispute.payment_intent) ??
		idOf((await stripe.charges.retrieve(idOf(dispute.charge)!)).payment_intent);
	if (!paymentIntentId) return nothing;
	return async (trx) => {
		if (event.type === 'charge.dispute.created') {
			await markGiftDispute(trx, paymentIntentId, { stage: 'opened' });
		} else if (dispute.status === 'won') {
			await markGiftDispute(trx, paymentIntentId, { stage: 'won' });
		} else if (dispute.status === 'lost') {
			await markGiftDispute(trx, paymentIntentId, { stage: 'lost', amountMinor: dispute.amount });
		}
	};
};

// A Map, not an object literal: an event type such as `__proto__` or `toString` must find nothing.
export const handlers: ReadonlyMap<string, Handler> = new Map<Stripe.Event['type'], Handler>([
	['checkout.session.completed', checkoutPaid],
	['checkout.session.async_payment_succeeded', checkoutPaid],
	['checkout.session.async_payment_failed', checkoutFailed('failed')],
	['checkout.session.expired', checkoutFailed('expired')],
	['invoice.paid', invoiceOutcome('succeeded')],
	['invoice.payment_failed', invoiceOutcome('failed')],
	['customer.subscription.created', subscriptionChanged],
	['customer.subscription.updated', subscriptionChanged],
	['customer.subscription.deleted', subscriptionChanged],
	['customer.subscription.paused', subscriptionChanged],
	['customer.subscription.resumed', subscriptionChanged],
	['charge.refunded', chargeRefunded],
	['refund.created', chargeRefunded],
	['refund.updated', chargeRefunded],
	['charge.dispute.created', disputeChanged],
	['charge.dispute.closed', disputeChanged]
]);
