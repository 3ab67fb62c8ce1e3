import type Stripe from 'stripe';

export interface Delivery {
	eventId: string;
	/** HTTP status of the webhook response; 0 when the request itself failed. */
	status: number;
	attempt: number;
}

export interface FakeObjects {
	customers: Map<string, Stripe.Customer>;
	checkoutSessions: Map<string, Stripe.Checkout.Session>;
	paymentIntents: Map<string, Stripe.PaymentIntent>;
	charges: Map<string, Stripe.Charge>;
	balanceTransactions: Map<string, Stripe.BalanceTransaction>;
	subscriptions: Map<string, Stripe.Subscription>;
	invoices: Map<string, Stripe.Invoice>;
	refunds: Map<string, Stripe.Refund>;
	prices: Map<string, Stripe.Price>;
	products: Map<string, Stripe.Product>;
	invoicePayments: Map<string, Stripe.InvoicePayment>;
	portalSessions: Map<string, Stripe.BillingPortal.Session>;
}

/** What a Checkout Session keeps for later that its API object doesn't show. */
export interface SessionExtras {
	/** Line items, which Stripe only returns when expanded. */
	lineItems: Stripe.LineItem[];
	paymentIntentData: { metadata: Record<string, string>; description: string | null };
	subscriptionData: { metadata: Record<string, string>; description: string | null };
}

export interface ResolvedOptions {
	apiKey: string | undefined;
	webhookUrl: string | undefined;
	webhookSecret: string | undefined;
	cardFeeBasisPoints: number;
	cardFeeFixedMinor: Record<string, number>;
}

/** Everything the fake knows; the route and flow modules are functions over this. */
export interface FakeState {
	/** Base URL of the fake, known once the server listens. */
	url: string;
	options: ResolvedOptions;
	objects: FakeObjects;
	sessionExtras: Map<string, SessionExtras>;
	/** Checkouts being completed, so a second Pay click waits for the first instead of failing. */
	completions: Map<string, Promise<void>>;
	events: Stripe.Event[];
	deliveries: Delivery[];
	deliverWebhooks: boolean;
	/** Webhook deliveries run one after another on this chain, so they arrive in order. */
	deliveryChain: Promise<void>;
}

export function createState(options: ResolvedOptions, deliverWebhooks: boolean): FakeState {
	return {
		url: '',
		options,
		objects: {
			customers: new Map(),
			checkoutSessions: new Map(),
			paymentIntents: new Map(),
			charges: new Map(),
			balanceTransactions: new Map(),
			subscriptions: new Map(),
			invoices: new Map(),
			refunds: new Map(),
			prices: new Map(),
			products: new Map(),
			invoicePayments: new Map(),
			portalSessions: new Map()
		},
		sessionExtras: new Map(),
		completions: new Map(),
		events: [],
		deliveries: [],
		deliverWebhooks,
		deliveryChain: Promise.resolve()
	};
}

/** Any stored API object by id, whatever its kind (ids carry their kind in the prefix). */
export function findObject(state: FakeState, id: string): { object: string } | undefined {
	for (const map of Object.values(state.objects) as Map<string, { object: string }>[]) {
		const found = map.get(id);
		if (found) return found;
	}
	return undefined;
}

/**
 * A deep copy as it would be serialised, so that responses and event payloads don't change when
 * the stored object does (and Decimal values become the strings Stripe sends).
 */
export function snapshot<T>(value: T): T {
	return JSON.parse(JSON.stringify(value)) as T;
}

export function apiList<T>(data: T[], url: string, hasMore = false): Stripe.ApiList<T> {
	return { object: 'list', data, has_more: hasMore, url };
}

/** Top-level fields of `before` that differ in `after`: an event's previous_attributes. */
export function changedFields(before: object, after: object): Record<string, unknown> {
	const previous: Record<string, unknown> = {};
	const old = snapshot(before) as Record<string, unknown>;
	const now = snapshot(after) as Record<string, unknown>;
	for (const key of new Set([...Object.keys(old), ...Object.keys(now)])) {
		if (JSON.stringify(old[key]) !== JSON.stringify(now[key])) previous[key] = old[key] ?? null;
	}
	return previous;
}
