import type Stripe from 'stripe';
import { addInterval, example, newId, now, planOf, testPaymentMethod } from './objects.ts';

export function newSubscriptionItem(
	subscription: string,
	price: Stripe.Price,
	quantity: number,
	periodStart: number
): Stripe.SubscriptionItem {
	return {
		...example<Stripe.SubscriptionItem>('subscription_item'),
		id: newId('si_'),
		created: now(),
		billing_thresholds: null,
		current_period_start: periodStart,
		current_period_end: nextPeriodEnd(price, periodStart),
		current_trial: null,
		metadata: {},
		plan: planOf(price),
		price,
		quantity,
		subscription
	};
}

export function nextPeriodEnd(price: Stripe.Price, start: number): number {
	return addInterval(
		start,
		price.recurring?.interval ?? 'month',
		price.recurring?.interval_count ?? 1
	);
}

export function newSubscription(fields: {
	customer: string;
	currency: string;
	metadata: Record<string, string>;
	description: string | null;
	lines: { price: Stripe.Price; quantity: number }[];
}): Stripe.Subscription {
	const id = newId('sub_');
	const start = now();
	return {
		...example<Stripe.Subscription>('subscription'),
		id,
		created: start,
		start_date: start,
		billing_cycle_anchor: start,
		billing_cycle_anchor_config: null,
		billing_mode: { type: 'flexible', flexible: { proration_discounts: 'included' } },
		billing_schedules: [],
		billing_thresholds: null,
		cancel_at: null,
		cancel_at_period_end: false,
		canceled_at: null,
		cancellation_details: { comment: null, feedback: null, feedback_option: null, reason: null },
		currency: fields.currency,
		customer: fields.customer,
		automatic_tax: { disabled_reason: null, enabled: false, liability: null },
		default_payment_method: testPaymentMethod,
		description: fields.description,
		ended_at: null,
		invoice_settings: {
			account_tax_ids: null,
			custom_fields: null,
			description: null,
			footer: null,
			issuer: { type: 'self' }
		},
		items: {
			object: 'list',
			data: fields.lines.map((l) => newSubscriptionItem(id, l.price, l.quantity, start)),
			has_more: false,
			url: `/v1/subscription_items?subscription=${id}`
		},
		latest_invoice: null,
		managed_payments: null,
		metadata: fields.metadata,
		next_pending_invoice_item_invoice: null,
		pause_collection: null,
		payment_settings: {
			payment_method_options: null,
			payment_method_types: null,
			save_default_payment_method: 'off'
		},
		pending_invoice_item_interval: null,
		pending_update: null,
		status: 'active',
		transfer_data: null,
		trial_end: null,
		trial_start: null
	};
}

/** One invoice line per subscription item, for the period the item is being billed for. */
function invoiceLine(
	invoice: string,
	subscription: Stripe.Subscription,
	item: Stripe.SubscriptionItem,
	productName: string
): Stripe.InvoiceLineItem {
	const quantity = item.quantity ?? 1;
	const amount = (item.price.unit_amount ?? 0) * quantity;
	const product =
		typeof item.price.product === 'string' ? item.price.product : item.price.product.id;
	return {
		...example<Stripe.InvoiceLineItem>('line_item'),
		id: newId('il_'),
		amount,
		currency: item.price.currency,
		description: `${quantity} × ${productName} (at ${item.price.unit_amount} ${item.price.currency} / ${item.price.recurring?.interval ?? 'month'})`,
		discount_amounts: [],
		invoice,
		metadata: { ...subscription.metadata },
		parent: {
			type: 'subscription_item_details',
			invoice_item_details: null,
			subscription_item_details: {
				invoice_item: null,
				proration: false,
				proration_details: { credited_items: null },
				subscription: subscription.id,
				subscription_item: item.id
			}
		},
		period: { start: item.current_period_start, end: item.current_period_end },
		pretax_credit_amounts: [],
		pricing: {
			type: 'price_details',
			price_details: { price: item.price.id, product },
			unit_amount_decimal: item.price.unit_amount_decimal
		},
		quantity,
		subscription: subscription.id,
		subtotal: amount,
		taxes: []
	};
}

/**
 * A draft subscription invoice in the pinned API shape: the subscription is only reachable
 * through `parent.subscription_details`, and payments through the `payments` list.
 */
export function newSubscriptionInvoice(fields: {
	subscription: Stripe.Subscription;
	customer: Stripe.Customer;
	billingReason: 'subscription_create' | 'subscription_cycle';
	periodStart: number;
	periodEnd: number;
	products: Map<string, Stripe.Product>;
}): Stripe.Invoice {
	const { subscription, customer } = fields;
	const id = newId('in_');
	const lines = subscription.items.data.map((item) => {
		const product = fields.products.get(String(item.plan.product));
		return invoiceLine(id, subscription, item, product?.name ?? 'Subscription');
	});
	const total = lines.reduce((sum, line) => sum + line.amount, 0);
	return {
		...example<Stripe.Invoice>('invoice', ['subscription']),
		id,
		created: now(),
		account_country: 'NO',
		amount_due: total,
		amount_overpaid: 0,
		amount_paid: 0,
		amount_remaining: total,
		attempt_count: 0,
		attempted: false,
		auto_advance: true,
		automatic_tax: {
			disabled_reason: null,
			enabled: false,
			liability: null,
			provider: null,
			status: null
		},
		billing_reason: fields.billingReason,
		currency: subscription.currency,
		customer: customer.id,
		customer_address: null,
		customer_email: customer.email,
		customer_name: customer.name ?? null,
		customer_shipping: null,
		due_date: null,
		effective_at: null,
		from_invoice: null,
		issuer: { type: 'self' },
		last_finalization_error: null,
		lines: { object: 'list', data: lines, has_more: false, url: `/v1/invoices/${id}/lines` },
		metadata: {},
		next_payment_attempt: null,
		parent: {
			type: 'subscription_details',
			quote_details: null,
			subscription_details: {
				metadata: { ...subscription.metadata },
				subscription: subscription.id
			}
		},
		payment_settings: {
			default_mandate: null,
			payment_method_options: null,
			payment_method_types: null
		},
		period_end: fields.periodEnd,
		period_start: fields.periodStart,
		shipping_cost: null,
		shipping_details: null,
		status: 'draft',
		status_transitions: {
			finalized_at: null,
			marked_uncollectible_at: null,
			paid_at: null,
			voided_at: null
		},
		subtotal: total,
		subtotal_excluding_tax: total,
		total,
		total_discount_amounts: [],
		total_excluding_tax: total,
		total_pretax_credit_amounts: [],
		total_taxes: [],
		webhooks_delivered_at: null
	};
}

export function newInvoicePayment(
	invoice: Stripe.Invoice,
	paymentIntent: string
): Stripe.InvoicePayment {
	return {
		...example<Stripe.InvoicePayment>('invoice_payment'),
		id: newId('inpay_'),
		created: now(),
		amount_paid: null,
		amount_requested: invoice.amount_due,
		currency: invoice.currency,
		invoice: invoice.id,
		is_default: true,
		livemode: false,
		payment: { type: 'payment_intent', payment_intent: paymentIntent },
		status: 'open',
		status_transitions: { canceled_at: null, paid_at: null }
	};
}

export function newPortalSession(
	customer: string,
	returnUrl: string | null,
	locale: Stripe.BillingPortal.Session.Locale | null,
	baseUrl: string
): Stripe.BillingPortal.Session {
	const id = newId('bps_');
	return {
		...example<Stripe.BillingPortal.Session>('billing_portal.session'),
		id,
		configuration: 'bpc_fakedefaultconfiguration0',
		created: now(),
		customer,
		flow: null,
		livemode: false,
		locale,
		return_url: returnUrl,
		url: `${baseUrl}/portal/${id}`
	};
}
