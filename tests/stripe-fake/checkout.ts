import type Stripe from 'stripe';
import { emit, flushDeliveries, type RequestInfo } from './events.ts';
import {
	ApiError,
	int,
	invalid,
	list,
	mergeMetadata,
	missing,
	noSuch,
	requireStr,
	str,
	type Form
} from './http.ts';
import {
	newCheckoutLineItem,
	newCheckoutSession,
	newCustomer,
	newPrice,
	newProduct,
	now,
	type Recurrence
} from './objects.ts';
import { attemptPayment, createPaymentIntent } from './payments.ts';
import type { FakeState } from './state.ts';
import { startSubscription } from './subscriptions.ts';

type SessionParams = Form<Stripe.Checkout.SessionCreateParams>;
type LineItemParams = Form<Stripe.Checkout.SessionCreateParams.LineItem>;

export const sessionCreateParams = [
	'cancel_url',
	'client_reference_id',
	'customer',
	'customer_creation',
	'customer_email',
	'expires_at',
	'line_items',
	'locale',
	'metadata',
	'mode',
	'payment_intent_data',
	'submit_type',
	'subscription_data',
	'success_url'
] as const;

const submitTypes = ['auto', 'book', 'donate', 'pay', 'subscribe'];
const intervals = ['day', 'week', 'month', 'year'];

function url(value: unknown, param: string): string | null {
	const s = str(value, param);
	if (s === undefined) return null;
	if (!URL.canParse(s)) throw invalid('Not a valid URL', param, 'url_invalid');
	return s;
}

/**
 * A line item's price: an existing one, or one made (with its product) from price_data. New
 * objects are only stored once the whole request has passed its checks.
 */
function linePrice(state: FakeState, item: LineItemParams, param: string) {
	if (item.price !== undefined && item.price_data !== undefined) {
		throw invalid('You may only specify one of these parameters: price, price_data.', param);
	}
	if (item.price !== undefined) {
		const price = state.objects.prices.get(item.price);
		if (!price) throw noSuch('price', item.price, `${param}[price]`);
		const product = state.objects.products.get(String(price.product));
		return { price, product, name: product?.name ?? 'Item' };
	}
	const data = item.price_data;
	if (data === undefined) throw missing(`${param}[price_data]`);
	const at = `${param}[price_data]`;
	const currency = requireStr(data.currency, `${at}[currency]`).toLowerCase();
	const amount = int(data.unit_amount, `${at}[unit_amount]`);
	if (amount === undefined) throw missing(`${at}[unit_amount]`);
	let recurring: Recurrence | null = null;
	if (data.recurring !== undefined) {
		const interval = requireStr(data.recurring.interval, `${at}[recurring][interval]`);
		if (!intervals.includes(interval))
			throw invalid(`Invalid interval: ${interval}`, `${at}[recurring][interval]`);
		recurring = {
			interval: interval as Recurrence['interval'],
			interval_count: int(data.recurring.interval_count, `${at}[recurring][interval_count]`, 1) ?? 1
		};
	}
	let product: Stripe.Product | undefined;
	if (data.product !== undefined) {
		product = state.objects.products.get(data.product);
		if (!product) throw noSuch('product', data.product, `${at}[product]`);
	} else {
		product = newProduct(requireStr(data.product_data?.name, `${at}[product_data][name]`));
	}
	const price = newPrice(currency, amount, product.id, recurring);
	return { price, product, name: product.name };
}

/** POST /v1/checkout/sessions, with the checks Stripe makes on the combinations the app uses. */
export function createCheckoutSession(state: FakeState, p: SessionParams): Stripe.Checkout.Session {
	const mode = p.mode ?? 'payment';
	if (mode !== 'payment' && mode !== 'subscription') {
		throw invalid(`The Stripe fake supports mode payment and subscription, not ${mode}.`, 'mode');
	}
	const payment = mode === 'payment';
	const items = list(p.line_items, 'line_items');
	if (items.length === 0) throw missing('line_items');
	const made: { price: Stripe.Price; product?: Stripe.Product }[] = [];
	const lines = items.map((item, i) => {
		const quantity = int(item.quantity, `line_items[${i}][quantity]`, 1);
		if (quantity === undefined) throw missing(`line_items[${i}][quantity]`);
		const { price, product, name } = linePrice(state, item, `line_items[${i}]`);
		made.push({ price, product });
		return newCheckoutLineItem(price, quantity, name);
	});
	const currency = lines[0].currency;
	if (lines.some((line) => line.currency !== currency)) {
		throw invalid('All line items must have the same currency.', 'line_items');
	}
	const recurring = lines.filter((line) => line.price?.recurring);
	if (payment && recurring.length > 0) {
		throw invalid(
			'You specified `payment` mode but passed a recurring price. Either switch to `subscription` mode or use only one-time prices.',
			'line_items'
		);
	}
	if (!payment && recurring.length !== lines.length) {
		throw invalid(
			recurring.length === 0
				? 'You must provide at least one recurring price in `subscription` mode when using prices.'
				: 'The Stripe fake does not support one-time prices in `subscription` mode.',
			'line_items'
		);
	}
	const customer = str(p.customer, 'customer');
	const customerEmail = str(p.customer_email, 'customer_email');
	const customerCreation = str(p.customer_creation, 'customer_creation');
	if (customer && customerEmail) {
		throw invalid(
			'You may only specify one of these parameters: customer, customer_email.',
			'customer_email'
		);
	}
	if (customer && !state.objects.customers.has(customer))
		throw noSuch('customer', customer, 'customer');
	if (customerCreation !== undefined) {
		if (!payment)
			throw invalid(
				'`customer_creation` can only be used in `payment` and `setup` mode.',
				'customer_creation'
			);
		if (customer)
			throw invalid(
				'You may only specify one of these parameters: customer, customer_creation.',
				'customer_creation'
			);
		if (!['always', 'if_required'].includes(customerCreation)) {
			throw invalid(`Invalid customer_creation: ${customerCreation}`, 'customer_creation');
		}
	}
	const submitType = str(p.submit_type, 'submit_type');
	if (submitType !== undefined && !submitTypes.includes(submitType)) {
		throw invalid(`Invalid submit_type: ${submitType}`, 'submit_type');
	}
	if (payment && p.subscription_data !== undefined) {
		throw invalid('You can not pass `subscription_data` in `payment` mode.', 'subscription_data');
	}
	if (!payment && p.payment_intent_data !== undefined) {
		throw invalid(
			'You can not pass `payment_intent_data` in `subscription` mode.',
			'payment_intent_data'
		);
	}
	const created = now();
	const expiresAt = int(p.expires_at, 'expires_at') ?? created + 86400;
	if (expiresAt < created + 1800 - 5 || expiresAt > created + 86400 + 5) {
		throw invalid(
			'The `expires_at` timestamp must be between 30 minutes and 24 hours after Checkout Session creation.',
			'expires_at'
		);
	}
	const clientReference = str(p.client_reference_id, 'client_reference_id');
	if (clientReference !== undefined && clientReference.length > 200) {
		throw invalid('client_reference_id must be at most 200 characters.', 'client_reference_id');
	}
	const session = newCheckoutSession({
		mode,
		currency,
		amount: lines.reduce((sum, line) => sum + line.amount_total, 0),
		baseUrl: state.url,
		expiresAt,
		customer: customer ?? null,
		customerEmail: customerEmail ?? null,
		customerCreation: payment
			? ((customerCreation ?? 'if_required') as 'always' | 'if_required')
			: null
	});
	Object.assign(session, {
		client_reference_id: clientReference ?? null,
		locale: (str(p.locale, 'locale') ?? null) as Stripe.Checkout.Session.Locale | null,
		metadata: mergeMetadata({}, p.metadata),
		submit_type: (submitType ?? null) as Stripe.Checkout.Session.SubmitType | null,
		success_url: url(p.success_url, 'success_url'),
		cancel_url: url(p.cancel_url, 'cancel_url')
	} satisfies Partial<Stripe.Checkout.Session>);
	const intentData = p.payment_intent_data;
	const subscriptionData = p.subscription_data;
	for (const { price, product } of made) {
		state.objects.prices.set(price.id, price);
		if (product) state.objects.products.set(product.id, product);
	}
	state.objects.checkoutSessions.set(session.id, session);
	state.sessionExtras.set(session.id, {
		lineItems: lines,
		paymentIntentData: {
			metadata: mergeMetadata({}, intentData?.metadata, 'payment_intent_data[metadata]'),
			description: str(intentData?.description, 'payment_intent_data[description]') ?? null
		},
		subscriptionData: {
			metadata: mergeMetadata({}, subscriptionData?.metadata, 'subscription_data[metadata]'),
			description: str(subscriptionData?.description, 'subscription_data[description]') ?? null
		}
	});
	return session;
}

export function expireSession(
	state: FakeState,
	session: Stripe.Checkout.Session,
	request: RequestInfo
): Stripe.Checkout.Session {
	if (session.status !== 'open') {
		throw new ApiError(
			400,
			`Only Checkout Sessions with a status in ["open"] can be expired. This Checkout Session has a status of "${session.status}".`
		);
	}
	Object.assign(session, {
		status: 'expired',
		url: null
	} satisfies Partial<Stripe.Checkout.Session>);
	emit(state, 'checkout.session.expired', session, { request });
	return session;
}

export interface CompleteCheckoutOptions {
	/** The email typed on the payment page; defaults to the session's or its customer's. */
	email?: string;
	name?: string;
}

/**
 * What paying on the hosted page does. Like Stripe, payment mode makes a Customer only when
 * `customer_creation` is `always`; subscription mode always has one. Resolves once every
 * resulting webhook has been delivered.
 */
export async function completeCheckout(
	state: FakeState,
	sessionId: string,
	options: CompleteCheckoutOptions = {}
): Promise<void> {
	const session = state.objects.checkoutSessions.get(sessionId);
	const extras = state.sessionExtras.get(sessionId);
	if (!session || !extras) throw new Error(`No such checkout session: ${sessionId}`);
	if (session.status !== 'open')
		throw new Error(`Checkout session ${sessionId} is ${session.status}`);
	let customer = session.customer
		? state.objects.customers.get(String(session.customer))
		: undefined;
	const email = options.email || session.customer_email || customer?.email;
	if (!email) throw new Error(`Checkout session ${sessionId} needs an email: pass { email }`);
	const name = options.name ?? customer?.name ?? null;
	if (!customer && (session.mode === 'subscription' || session.customer_creation === 'always')) {
		customer = newCustomer({ email, name });
		state.objects.customers.set(customer.id, customer);
	}
	Object.assign(session, {
		status: 'complete',
		payment_status: 'paid',
		url: null,
		customer: customer?.id ?? null,
		customer_details: {
			address: null,
			business_name: null,
			email,
			individual_name: null,
			name,
			phone: null,
			tax_exempt: 'none',
			tax_ids: []
		}
	} satisfies Partial<Stripe.Checkout.Session>);
	if (session.mode === 'payment') {
		const intent = createPaymentIntent(state, {
			amount: session.amount_total ?? 0,
			currency: session.currency ?? 'usd',
			customer: customer?.id ?? null,
			metadata: extras.paymentIntentData.metadata,
			description: extras.paymentIntentData.description
		});
		const charge = attemptPayment(state, intent, { email, name });
		session.payment_intent = intent.id;
		emit(state, 'payment_intent.succeeded', intent);
		emit(state, 'charge.succeeded', charge);
	} else if (customer) {
		const { subscription, invoice } = startSubscription(state, session, customer, extras);
		session.subscription = subscription.id;
		session.invoice = invoice.id;
	}
	emit(state, 'checkout.session.completed', session);
	await flushDeliveries(state);
}
