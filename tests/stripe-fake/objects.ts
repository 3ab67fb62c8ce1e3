import { randomInt } from 'node:crypto';
import { readFileSync } from 'node:fs';
import Stripe from 'stripe';

/**
 * Stripe's published example objects (see fixtures.json: a subset of stripe/openapi's
 * fixtures3.json). Every object starts as a copy of its example, so fields the fake doesn't model
 * still have Stripe's shape; the factories below override what a scenario depends on, and null out
 * example values that would be misleading (shipping costs, transfers, fake sources).
 */
const examples = (
	JSON.parse(readFileSync(new URL('./fixtures.json', import.meta.url), 'utf8')) as {
		resources: Record<string, unknown>;
	}
).resources;

export function example<T>(name: string, drop: string[] = []): T {
	const copy = structuredClone(examples[name]) as Record<string, unknown>;
	for (const key of drop) delete copy[key];
	return copy as T;
}

const idAlphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

export function newId(prefix: string): string {
	let id = prefix;
	for (let i = 0; i < 24; i++) id += idAlphabet[randomInt(idAlphabet.length)];
	return id;
}

export const now = (): number => Math.floor(Date.now() / 1000);

export function addInterval(start: number, interval: string, count: number): number {
	const date = new Date(start * 1000);
	if (interval === 'year') date.setUTCFullYear(date.getUTCFullYear() + count);
	else if (interval === 'month') date.setUTCMonth(date.getUTCMonth() + count);
	else if (interval === 'week') date.setUTCDate(date.getUTCDate() + 7 * count);
	else date.setUTCDate(date.getUTCDate() + count);
	return Math.floor(date.getTime() / 1000);
}

/** The one payment method every fake payment uses (Stripe's 4242 test Visa in the example). */
export const testPaymentMethod = 'pm_card_visa';

export function newCustomer(fields: {
	email: string | null;
	name: string | null;
	description?: string | null;
	phone?: string | null;
	metadata?: Record<string, string>;
	preferred_locales?: string[];
}): Stripe.Customer {
	return {
		...example<Stripe.Customer>('customer'),
		id: newId('cus_'),
		created: now(),
		address: null,
		currency: null,
		discount: null,
		invoice_prefix: newId('').slice(0, 8).toUpperCase(),
		invoice_settings: {
			custom_fields: null,
			default_payment_method: null,
			footer: null,
			rendering_options: null
		},
		shipping: null,
		email: fields.email,
		name: fields.name,
		description: fields.description ?? null,
		phone: fields.phone ?? null,
		metadata: fields.metadata ?? {},
		preferred_locales: fields.preferred_locales ?? []
	};
}

export function newProduct(name: string): Stripe.Product {
	const created = now();
	return {
		...example<Stripe.Product>('product'),
		id: newId('prod_'),
		created,
		updated: created,
		name,
		description: null,
		default_price: null,
		package_dimensions: null,
		shippable: null,
		tax_details: null,
		type: 'service'
	};
}

export interface Recurrence {
	interval: Stripe.Price.Recurring.Interval;
	interval_count: number;
}

/** A price made inline from price_data: Stripe creates these inactive. */
export function newPrice(
	currency: string,
	unitAmount: number,
	product: string,
	recurring: Recurrence | null
): Stripe.Price {
	return {
		...example<Stripe.Price>('price'),
		id: newId('price_'),
		created: now(),
		active: false,
		currency,
		custom_unit_amount: null,
		product,
		recurring: recurring && {
			...recurring,
			meter: null,
			trial_period_days: null,
			usage_type: 'licensed'
		},
		transform_quantity: null,
		type: recurring ? 'recurring' : 'one_time',
		unit_amount: unitAmount,
		unit_amount_decimal: Stripe.Decimal.from(String(unitAmount))
	};
}

/** The legacy Plan view of a recurring price, which subscription items still carry. */
export function planOf(price: Stripe.Price): Stripe.Plan {
	return {
		...example<Stripe.Plan>('plan'),
		id: price.id,
		active: price.active,
		amount: price.unit_amount,
		amount_decimal: price.unit_amount_decimal,
		created: price.created,
		currency: price.currency,
		interval: price.recurring?.interval ?? 'month',
		interval_count: price.recurring?.interval_count ?? 1,
		metadata: price.metadata,
		product: typeof price.product === 'string' ? price.product : price.product.id,
		transform_usage: null
	};
}

export function newCheckoutLineItem(price: Stripe.Price, quantity: number, name: string) {
	const amount = (price.unit_amount ?? 0) * quantity;
	const item: Stripe.LineItem = {
		...example<Stripe.LineItem>('item'),
		id: newId('li_'),
		adjustable_quantity: null,
		amount_subtotal: amount,
		amount_total: amount,
		currency: price.currency,
		description: name,
		metadata: {},
		price,
		quantity
	};
	return item;
}

export function newCheckoutSession(fields: {
	mode: Stripe.Checkout.Session.Mode;
	currency: string;
	amount: number;
	baseUrl: string;
	expiresAt: number;
	customer: string | null;
	customerEmail: string | null;
	customerCreation: Stripe.Checkout.Session.CustomerCreation | null;
}): Stripe.Checkout.Session {
	const id = newId('cs_test_');
	const payment = fields.mode === 'payment';
	return {
		...example<Stripe.Checkout.Session>('checkout.session'),
		id,
		created: now(),
		expires_at: fields.expiresAt,
		mode: fields.mode,
		status: 'open',
		payment_status: 'unpaid',
		url: `${fields.baseUrl}/pay/${id}`,
		currency: fields.currency,
		amount_subtotal: fields.amount,
		amount_total: fields.amount,
		customer: fields.customer,
		customer_email: fields.customerEmail,
		customer_creation: fields.customerCreation,
		customer_details: null,
		payment_intent: null,
		subscription: null,
		invoice: null,
		adaptive_pricing: null,
		after_expiration: null,
		allowed_payment_method_types: null,
		automatic_tax: { enabled: false, liability: null, provider: null, status: null },
		collected_information: null,
		consent: null,
		consent_collection: null,
		currency_conversion: null,
		custom_text: {
			after_submit: null,
			shipping_address: null,
			submit: null,
			terms_of_service_acceptance: null
		},
		discounts: [],
		invoice_creation: payment
			? {
					enabled: false,
					invoice_data: {
						account_tax_ids: null,
						custom_fields: null,
						description: null,
						footer: null,
						issuer: null,
						metadata: {},
						rendering_options: null
					}
				}
			: null,
		managed_payments: null,
		payment_method_collection: payment ? null : 'always',
		payment_method_configuration_details: null,
		permissions: null,
		saved_payment_method_options: null,
		shipping_address_collection: null,
		shipping_cost: null,
		total_details: { amount_discount: 0, amount_shipping: 0, amount_tax: 0 },
		ui_mode: 'hosted_page',
		wallet_options: null
	};
}

export function newPaymentIntent(fields: {
	amount: number;
	currency: string;
	customer: string | null;
	metadata: Record<string, string>;
	description: string | null;
	receiptEmail?: string | null;
}): Stripe.PaymentIntent {
	const id = newId('pi_');
	return {
		...example<Stripe.PaymentIntent>('payment_intent'),
		id,
		created: now(),
		amount: fields.amount,
		currency: fields.currency,
		customer: fields.customer,
		metadata: fields.metadata,
		description: fields.description,
		receipt_email: fields.receiptEmail ?? null,
		status: 'requires_payment_method',
		allowed_payment_method_types: null,
		amount_received: 0,
		automatic_payment_methods: null,
		canceled_at: null,
		client_secret: `${id}_secret_${newId('')}`,
		last_payment_error: null,
		latest_charge: null,
		managed_payments: null,
		next_action: null,
		payment_method: testPaymentMethod,
		payment_method_configuration_details: null,
		payment_record: null,
		processing: null,
		shipping: null,
		transfer_data: null
	};
}

export function newCharge(
	intent: Stripe.PaymentIntent,
	billing: { email: string | null; name: string | null }
): Stripe.Charge {
	return {
		...example<Stripe.Charge>('charge', ['refunds']),
		id: newId('ch_'),
		created: now(),
		amount: intent.amount,
		amount_captured: intent.amount,
		amount_refunded: 0,
		balance_transaction: null,
		billing_details: {
			address: null,
			email: billing.email,
			name: billing.name,
			phone: null,
			tax_id: null
		},
		calculated_statement_descriptor: 'KOMAK',
		captured: true,
		currency: intent.currency,
		customer: intent.customer,
		description: intent.description,
		metadata: { ...intent.metadata },
		outcome: {
			advice_code: null,
			network_advice_code: null,
			network_decline_code: null,
			network_status: 'approved_by_network',
			reason: null,
			risk_level: 'normal',
			risk_score: 20,
			seller_message: 'Payment complete.',
			type: 'authorized'
		},
		paid: true,
		payment_intent: intent.id,
		payment_method: testPaymentMethod,
		receipt_email: intent.receipt_email,
		receipt_url: null,
		refunded: false,
		shipping: null,
		source: null,
		status: 'succeeded',
		transfer_data: null
	};
}

export function newBalanceTransaction(fields: {
	amount: number;
	fee: number;
	currency: string;
	source: string;
	type: 'charge' | 'refund';
}): Stripe.BalanceTransaction {
	const created = now();
	return {
		...example<Stripe.BalanceTransaction>('balance_transaction'),
		id: newId('txn_'),
		created,
		available_on: created + 7 * 86400,
		amount: fields.amount,
		currency: fields.currency,
		description: null,
		fee: fields.fee,
		fee_details: fields.fee
			? [
					{
						amount: fields.fee,
						application: null,
						currency: fields.currency,
						description: 'Stripe processing fees',
						type: 'stripe_fee'
					}
				]
			: [],
		net: fields.amount - fields.fee,
		reporting_category: fields.type,
		source: fields.source,
		status: 'pending',
		type: fields.type
	};
}

export function newRefund(
	charge: Stripe.Charge,
	amount: number,
	reason: Stripe.Refund.Reason | null,
	metadata: Record<string, string>
): Stripe.Refund {
	return {
		...example<Stripe.Refund>('refund'),
		id: newId('re_'),
		created: now(),
		amount,
		charge: charge.id,
		currency: charge.currency,
		customer: charge.customer,
		metadata,
		payment_intent: charge.payment_intent,
		payment_method: charge.payment_method,
		reason,
		status: 'succeeded'
	};
}
