import type Stripe from 'stripe';
import { createCheckoutSession, expireSession, sessionCreateParams } from './checkout.ts';
import { emit, findEvent, listEvents, type RequestInfo } from './events.ts';
import {
	ApiError,
	int,
	invalid,
	mergeMetadata,
	missing,
	noSuch,
	requireStr,
	str,
	type Form,
	type Params
} from './http.ts';
import { newPortalSession } from './billing-objects.ts';
import { newCustomer } from './objects.ts';
import { refundCharge } from './payments.ts';
import { apiList, changedFields, snapshot, type FakeObjects, type FakeState } from './state.ts';
import {
	cancelSubscription,
	findSubscription,
	subscriptionCancelParams,
	subscriptionUpdateParams,
	updateSubscription
} from './subscriptions.ts';

export interface ApiRequest {
	params: Params;
	/** The `:id` in the path, if the route has one. */
	id: string;
	request: RequestInfo;
}

interface Route {
	method: 'GET' | 'POST' | 'DELETE';
	pattern: RegExp;
	/** Top-level parameters the endpoint accepts besides `expand`. */
	allowed: readonly string[];
	handle: (state: FakeState, req: ApiRequest) => object;
}

function route(
	method: Route['method'],
	path: string,
	allowed: readonly string[],
	handle: Route['handle']
): Route {
	return { method, pattern: new RegExp(`^${path.replace(':id', '([^/]+)')}$`), allowed, handle };
}

/** GET /v1/<kind>/:id for a store that needs nothing more than a lookup. */
function retrieve(path: string, map: keyof FakeObjects, kind: string): Route {
	return route('GET', path, [], (state, { id }) => {
		const found = state.objects[map].get(id);
		if (!found) throw noSuch(kind, id);
		return found;
	});
}

const customerParams = ['description', 'email', 'metadata', 'name', 'phone', 'preferred_locales'];

function customerFields(p: Form<Stripe.CustomerCreateParams>) {
	return {
		email: str(p.email, 'email'),
		name: str(p.name, 'name'),
		description: str(p.description, 'description'),
		phone: str(p.phone, 'phone'),
		preferred_locales: p.preferred_locales?.map(String)
	};
}

function findCustomer(state: FakeState, id: string, param?: string): Stripe.Customer {
	const customer = state.objects.customers.get(id);
	if (!customer) throw noSuch('customer', id, param);
	return customer;
}

function createCustomer(state: FakeState, { params, request }: ApiRequest) {
	const p = params as Form<Stripe.CustomerCreateParams>;
	const fields = customerFields(p);
	const customer = newCustomer({
		...fields,
		email: fields.email ?? null,
		name: fields.name ?? null,
		metadata: mergeMetadata({}, p.metadata)
	});
	state.objects.customers.set(customer.id, customer);
	emit(state, 'customer.created', customer, { request });
	return customer;
}

function updateCustomer(state: FakeState, { params, id, request }: ApiRequest) {
	const customer = findCustomer(state, id);
	const p = params as Form<Stripe.CustomerUpdateParams>;
	const before = snapshot(customer);
	const fields = Object.entries(customerFields(p)).filter(([, value]) => value !== undefined);
	Object.assign(customer, Object.fromEntries(fields), {
		metadata: mergeMetadata(customer.metadata, p.metadata)
	});
	const previous = changedFields(before, customer);
	if (Object.keys(previous).length > 0) {
		emit(state, 'customer.updated', customer, { previous, request });
	}
	return customer;
}

function createRefund(state: FakeState, { params, request }: ApiRequest) {
	const p = params as Form<Stripe.RefundCreateParams>;
	const chargeId = str(p.charge, 'charge');
	const intentId = str(p.payment_intent, 'payment_intent');
	if (chargeId && intentId) {
		throw invalid(
			'You may only specify one of these parameters: charge, payment_intent.',
			'charge'
		);
	}
	let charge: Stripe.Charge | undefined;
	if (intentId) {
		const intent = state.objects.paymentIntents.get(intentId);
		if (!intent) throw noSuch('payment_intent', intentId, 'payment_intent');
		charge = state.objects.charges.get(String(intent.latest_charge));
		if (intent.status !== 'succeeded' || !charge) {
			throw invalid(
				`PaymentIntent ${intentId} has no successful charge to refund.`,
				'payment_intent'
			);
		}
	} else if (chargeId) {
		charge = state.objects.charges.get(chargeId);
		if (!charge) throw noSuch('charge', chargeId, 'charge');
	} else {
		throw invalid(
			'One of the following params should be provided for this request: payment_intent or charge.'
		);
	}
	const reason = str(p.reason, 'reason');
	if (reason && !['duplicate', 'fraudulent', 'requested_by_customer'].includes(reason)) {
		throw invalid(`Invalid reason: ${reason}`, 'reason');
	}
	const before = snapshot(charge);
	const refund = refundCharge(
		state,
		charge,
		int(p.amount, 'amount', 1),
		(reason ?? null) as Stripe.Refund.Reason | null,
		mergeMetadata({}, p.metadata)
	);
	emit(state, 'charge.refunded', charge, { previous: changedFields(before, charge), request });
	emit(state, 'refund.created', refund, { request });
	return refund;
}

function urlParam(value: unknown, param: string): string | undefined {
	const url = str(value, param);
	if (url !== undefined && !URL.canParse(url))
		throw invalid('Not a valid URL', param, 'url_invalid');
	return url;
}

const flowTypes = ['payment_method_update', 'subscription_cancel'] as const;
const afterCompletionTypes = ['hosted_confirmation', 'portal_homepage', 'redirect'] as const;

/**
 * `flow_data`, a deep link into one task of the portal. Only the flows Komak could use are
 * known: changing the card, and cancelling one subscription of this customer.
 */
function portalFlow(
	state: FakeState,
	data: Form<Stripe.BillingPortal.SessionCreateParams.FlowData>,
	customerId: string
): Stripe.BillingPortal.Session.Flow {
	const type = requireStr(data.type, 'flow_data[type]');
	if (!(flowTypes as readonly string[]).includes(type)) {
		throw invalid(
			`Invalid flow_data[type]: must be one of ${flowTypes.join(', ')}`,
			'flow_data[type]'
		);
	}
	const after = data.after_completion;
	const afterType = after
		? requireStr(after.type, 'flow_data[after_completion][type]')
		: 'portal_homepage';
	if (!(afterCompletionTypes as readonly string[]).includes(afterType)) {
		throw invalid(
			`Invalid flow_data[after_completion][type]: must be one of ${afterCompletionTypes.join(', ')}`,
			'flow_data[after_completion][type]'
		);
	}
	const redirectParam = 'flow_data[after_completion][redirect][return_url]';
	const redirectUrl = urlParam(after?.redirect?.return_url, redirectParam);
	if (afterType === 'redirect' && !redirectUrl) throw missing(redirectParam);
	let subscriptionCancel: Stripe.BillingPortal.Session.Flow.SubscriptionCancel | null = null;
	if (type === 'subscription_cancel') {
		const param = 'flow_data[subscription_cancel][subscription]';
		const id = requireStr(data.subscription_cancel?.subscription, param);
		const subscription = state.objects.subscriptions.get(id);
		if (!subscription || subscription.customer !== customerId)
			throw noSuch('subscription', id, param);
		subscriptionCancel = { retention: null, subscription: id };
	}
	return {
		after_completion: {
			type: afterType as Stripe.BillingPortal.Session.Flow.AfterCompletion.Type,
			redirect: afterType === 'redirect' ? { return_url: redirectUrl! } : null,
			hosted_confirmation:
				afterType === 'hosted_confirmation'
					? {
							custom_message:
								str(
									after?.hosted_confirmation?.custom_message,
									'flow_data[after_completion][hosted_confirmation][custom_message]'
								) ?? null
						}
					: null
		},
		customer_update: null,
		subscription_cancel: subscriptionCancel,
		subscription_pause: null,
		subscription_update: null,
		subscription_update_confirm: null,
		type: type as Stripe.BillingPortal.Session.Flow.Type
	};
}

function createPortalSession(state: FakeState, { params }: ApiRequest) {
	const p = params as Form<Stripe.BillingPortal.SessionCreateParams>;
	const customer = findCustomer(state, requireStr(p.customer, 'customer'), 'customer');
	const returnUrl = urlParam(p.return_url, 'return_url');
	const locale = (str(p.locale, 'locale') ?? null) as Stripe.BillingPortal.Session.Locale | null;
	const session = newPortalSession(customer.id, returnUrl ?? null, locale, state.url);
	if (p.flow_data !== undefined) session.flow = portalFlow(state, p.flow_data, customer.id);
	state.objects.portalSessions.set(session.id, session);
	return session;
}

function findSession(state: FakeState, id: string): Stripe.Checkout.Session {
	const session = state.objects.checkoutSessions.get(id);
	if (!session) throw noSuch('checkout.session', id);
	return session;
}

function sessionLineItems(state: FakeState, { id, params }: ApiRequest) {
	findSession(state, id);
	const items = state.sessionExtras.get(id)?.lineItems ?? [];
	const limit = int(params.limit, 'limit', 1) ?? 10;
	const after = str(params.starting_after, 'starting_after');
	const from = after ? items.findIndex((item) => item.id === after) + 1 : 0;
	if (after && from === 0) throw noSuch('line item', after, 'starting_after');
	const page = items.slice(from, from + limit);
	return apiList(page, `/v1/checkout/sessions/${id}/line_items`, from + limit < items.length);
}

export const routes: Route[] = [
	route('POST', '/v1/customers', customerParams, createCustomer),
	retrieve('/v1/customers/:id', 'customers', 'customer'),
	route('POST', '/v1/customers/:id', customerParams, updateCustomer),
	route('POST', '/v1/checkout/sessions', sessionCreateParams, (state, { params }) =>
		createCheckoutSession(state, params as Form<Stripe.Checkout.SessionCreateParams>)
	),
	route('GET', '/v1/checkout/sessions/:id', [], (state, { id }) => findSession(state, id)),
	route(
		'GET',
		'/v1/checkout/sessions/:id/line_items',
		['limit', 'starting_after'],
		sessionLineItems
	),
	route('POST', '/v1/checkout/sessions/:id/expire', [], (state, { id, request }) =>
		expireSession(state, findSession(state, id), request)
	),
	retrieve('/v1/payment_intents/:id', 'paymentIntents', 'payment_intent'),
	retrieve('/v1/charges/:id', 'charges', 'charge'),
	retrieve('/v1/balance_transactions/:id', 'balanceTransactions', 'balance transaction'),
	retrieve('/v1/invoices/:id', 'invoices', 'invoice'),
	retrieve('/v1/prices/:id', 'prices', 'price'),
	retrieve('/v1/products/:id', 'products', 'product'),
	retrieve('/v1/refunds/:id', 'refunds', 'refund'),
	retrieve('/v1/subscriptions/:id', 'subscriptions', 'subscription'),
	route(
		'POST',
		'/v1/subscriptions/:id',
		subscriptionUpdateParams,
		(state, { id, params, request }) =>
			updateSubscription(state, findSubscription(state, id), params, request)
	),
	route(
		'DELETE',
		'/v1/subscriptions/:id',
		subscriptionCancelParams,
		(state, { id, params, request }) =>
			cancelSubscription(state, findSubscription(state, id), params, request)
	),
	route(
		'POST',
		'/v1/refunds',
		['amount', 'charge', 'metadata', 'payment_intent', 'reason'],
		createRefund
	),
	route(
		'POST',
		'/v1/billing_portal/sessions',
		['customer', 'flow_data', 'locale', 'return_url'],
		createPortalSession
	),
	route(
		'GET',
		'/v1/events',
		['created', 'ending_before', 'limit', 'starting_after', 'type', 'types'],
		(state, { params }) => listEvents(state, params)
	),
	route('GET', '/v1/events/:id', [], (state, { id }) => findEvent(state, id))
];

export function findRoute(method: string, path: string): { route: Route; id: string } {
	for (const candidate of routes) {
		const match = candidate.method === method ? candidate.pattern.exec(path) : null;
		if (match) return { route: candidate, id: decodeURIComponent(match[1] ?? '') };
	}
	throw new ApiError(404, `Unrecognized request URL (${method}: ${path}).`);
}
