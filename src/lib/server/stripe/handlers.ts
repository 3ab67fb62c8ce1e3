import { sql, type Transaction } from 'kysely';
import type Stripe from 'stripe';
import type { PlanStatus } from '../../contribution.ts';
import { recordContribution, updateContributionsByPayment } from '../contributions.ts';
import type { Database } from '../db-schema.ts';
import { findPlanByExternalId, upsertPlan } from '../plans.ts';
import { findOrCreateStripeSupporter } from '../supporters.ts';
import { idOf, invoicePaymentIntent, invoiceSubscriptionId, paymentDetails } from './payments.ts';

type Trx = Transaction<Database>;
type Handler = (trx: Trx, stripe: Stripe, event: Stripe.Event) => Promise<void>;

const upper = (currency: string) => currency.toUpperCase();

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

async function customerEmail(
	stripe: Stripe,
	customer: string | Stripe.Customer | Stripe.DeletedCustomer | null
) {
	if (!customer) return null;
	const object =
		typeof customer === 'string' ? await stripe.customers.retrieve(customer) : customer;
	return 'deleted' in object && object.deleted ? null : ((object as Stripe.Customer).email ?? null);
}

/** Mirrors the subscription as Stripe has it now, so events in any order end in the same state. */
async function syncSubscription(
	trx: Trx,
	stripe: Stripe,
	subscriptionId: string,
	failureReason?: string | null
) {
	const subscription = await stripe.subscriptions.retrieve(subscriptionId);
	const status = planStatus(subscription);
	const existing = await findPlanByExternalId(trx, 'card', subscription.id);
	if (!status && !existing) return { plan: null, subscription };
	const attempt = await attemptOf(trx, subscription.metadata);
	const supporter = existing
		? { id: existing.supporter_id }
		: await findOrCreateStripeSupporter(trx, {
				customerId: idOf(subscription.customer),
				email: attempt?.email ?? (await customerEmail(stripe, subscription.customer)),
				name: attempt?.name,
				locale: attempt?.locale
			});
	const item = subscription.items.data[0];
	const plan = await upsertPlan(trx, {
		supporterId: supporter.id,
		channel: 'card',
		externalId: subscription.id,
		amountMinor: (item?.price.unit_amount ?? 0) * (item?.quantity ?? 1),
		currency: upper(item?.price.currency ?? subscription.currency),
		status: status ?? existing!.status,
		startedAt: new Date((subscription.start_date ?? subscription.created) * 1000),
		canceledAt: subscription.canceled_at ? new Date(subscription.canceled_at * 1000) : null,
		cancelAtPeriodEnd: subscription.cancel_at_period_end,
		currentPeriodEnd: item?.current_period_end ? new Date(item.current_period_end * 1000) : null,
		lastFailureReason: failureReason
	});
	return { plan, subscription };
}

/** Every paid (or failed) monthly invoice is one contribution, keyed by the invoice id. */
async function recordInvoice(
	trx: Trx,
	stripe: Stripe,
	invoiceOrId: string | Stripe.Invoice,
	outcome: 'succeeded' | 'failed'
) {
	const invoice =
		typeof invoiceOrId === 'string'
			? await stripe.invoices.retrieve(invoiceOrId, { expand: ['payments'] })
			: invoiceOrId;
	const subscriptionId = invoiceSubscriptionId(invoice);
	if (!subscriptionId) return; // not a monthly gift
	const payment = await paymentDetails(stripe, await invoicePaymentIntent(stripe, invoice));
	const { plan, subscription } = await syncSubscription(
		trx,
		stripe,
		subscriptionId,
		outcome === 'failed' ? (payment.failureReason ?? 'payment_failed') : undefined
	);
	if (!plan) return;
	const paidAt = invoice.status_transitions?.paid_at;
	await recordContribution(trx, {
		supporter_id: plan.supporter_id,
		recurring_plan_id: plan.id,
		channel: 'card',
		kind: 'monthly',
		amount_minor: outcome === 'succeeded' ? invoice.amount_paid : invoice.amount_due,
		currency: upper(invoice.currency),
		fee_minor: payment.feeMinor,
		net_minor: payment.netMinor,
		status: outcome,
		received_at: paidAt ? new Date(paidAt * 1000) : new Date(invoice.created * 1000),
		external_reference: invoice.id!,
		payment_reference: payment.paymentIntentId,
		is_anonymous: subscription.metadata?.is_anonymous === 'true',
		dedication: subscription.metadata?.dedication ?? ''
	});
}

const checkoutPaid: Handler = async (trx, stripe, event) => {
	const { id } = event.data.object as Stripe.Checkout.Session;
	const session = await stripe.checkout.sessions.retrieve(id, {
		expand: ['payment_intent.latest_charge.balance_transaction']
	});
	const attempt = await settleAttempt(trx, session.metadata, 'completed');
	if (session.mode === 'subscription') {
		if (session.subscription) await syncSubscription(trx, stripe, idOf(session.subscription)!);
		if (session.invoice) await recordInvoice(trx, stripe, idOf(session.invoice)!, 'succeeded');
		return;
	}
	if (session.mode !== 'payment' || !session.payment_intent) return;
	const supporter = await findOrCreateStripeSupporter(trx, {
		customerId: idOf(session.customer),
		email: session.customer_details?.email ?? session.customer_email ?? attempt?.email ?? null,
		name: attempt?.name || session.customer_details?.name || '',
		locale: attempt?.locale
	});
	const payment = await paymentDetails(stripe, session.payment_intent);
	const isPaid = session.payment_status === 'paid';
	await recordContribution(trx, {
		supporter_id: supporter.id,
		channel: 'card',
		kind: 'one_off',
		amount_minor: session.amount_total!,
		currency: upper(session.currency!),
		fee_minor: payment.feeMinor,
		net_minor: payment.netMinor,
		status: isPaid ? 'succeeded' : 'pending',
		received_at: payment.paidAt ?? new Date(session.created * 1000),
		external_reference: payment.paymentIntentId!,
		payment_reference: payment.paymentIntentId,
		is_anonymous: (attempt?.is_anonymous ?? session.metadata?.is_anonymous === 'true') === true,
		dedication: attempt?.dedication ?? session.metadata?.dedication ?? ''
	});
};

const checkoutFailed =
	(status: 'expired' | 'failed'): Handler =>
	async (trx, stripe, event) => {
		const session = event.data.object as Stripe.Checkout.Session;
		await settleAttempt(trx, session.metadata, status);
		const paymentIntentId = idOf(session.payment_intent);
		if (status === 'failed' && paymentIntentId) {
			await trx
				.updateTable('contribution')
				.set({ status: 'failed', updated_at: sql`now()` })
				.where('channel', '=', 'card')
				.where('external_reference', '=', paymentIntentId)
				.where('status', '=', 'pending')
				.execute();
		}
	};

const invoicePaid: Handler = (trx, stripe, event) =>
	recordInvoice(trx, stripe, (event.data.object as Stripe.Invoice).id!, 'succeeded');
const invoiceFailed: Handler = (trx, stripe, event) =>
	recordInvoice(trx, stripe, (event.data.object as Stripe.Invoice).id!, 'failed');

const subscriptionChanged: Handler = async (trx, stripe, event) => {
	await syncSubscription(trx, stripe, (event.data.object as Stripe.Subscription).id);
};

/** Refunds change a gift's status and refunded amount; the gift itself stays. */
const chargeRefunded: Handler = async (trx, stripe, event) => {
	const object = event.data.object as Stripe.Charge | Stripe.Refund;
	const chargeId = object.object === 'charge' ? object.id : idOf(object.charge);
	if (!chargeId) return;
	const charge = await stripe.charges.retrieve(chargeId);
	const paymentIntentId = idOf(charge.payment_intent);
	if (!paymentIntentId || charge.amount_refunded === 0) return;
	await updateContributionsByPayment(trx, paymentIntentId, {
		refunded_minor: charge.amount_refunded,
		...(!charge.disputed && {
			status: charge.amount_refunded >= charge.amount ? 'refunded' : 'partially_refunded'
		})
	});
};

const disputeChanged: Handler = async (trx, stripe, event) => {
	const dispute = event.data.object as Stripe.Dispute;
	const paymentIntentId =
		idOf(dispute.payment_intent) ??
		idOf((await stripe.charges.retrieve(idOf(dispute.charge)!)).payment_intent);
	if (!paymentIntentId) return;
	if (event.type === 'charge.dispute.created') {
		await updateContributionsByPayment(trx, paymentIntentId, { status: 'disputed' });
	} else if (dispute.status === 'won') {
		await updateContributionsByPayment(trx, paymentIntentId, { status: 'succeeded' });
	} else if (dispute.status === 'lost') {
		await updateContributionsByPayment(trx, paymentIntentId, {
			status: 'refunded',
			refunded_minor: dispute.amount
		});
	}
};

export const handlers: Partial<Record<Stripe.Event['type'], Handler>> = {
	'checkout.session.completed': checkoutPaid,
	'checkout.session.async_payment_succeeded': checkoutPaid,
	'checkout.session.async_payment_failed': checkoutFailed('failed'),
	'checkout.session.expired': checkoutFailed('expired'),
	'invoice.paid': invoicePaid,
	'invoice.payment_failed': invoiceFailed,
	'customer.subscription.created': subscriptionChanged,
	'customer.subscription.updated': subscriptionChanged,
	'customer.subscription.deleted': subscriptionChanged,
	'customer.subscription.paused': subscriptionChanged,
	'customer.subscription.resumed': subscriptionChanged,
	'charge.refunded': chargeRefunded,
	'refund.created': chargeRefunded,
	'refund.updated': chargeRefunded,
	'charge.dispute.created': disputeChanged,
	'charge.dispute.closed': disputeChanged
};
