import type Stripe from 'stripe';
import { newSubscription, newSubscriptionItem, nextPeriodEnd } from './billing-objects.ts';
import { emit, flushDeliveries, type RequestInfo } from './events.ts';
import {
	ApiError,
	bool,
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
import { collectNewInvoice, createInvoice, settleAttempt } from './invoices.ts';
import { newPrice, now, planOf } from './objects.ts';
import { changedFields, snapshot, type FakeState, type SessionExtras } from './state.ts';

export const subscriptionUpdateParams = [
	'cancel_at',
	'cancel_at_period_end',
	'cancellation_details',
	'description',
	'items',
	'metadata',
	'pause_collection',
	'proration_behavior'
] as const;

export const subscriptionCancelParams = ['cancellation_details', 'invoice_now', 'prorate'] as const;

const intervals = ['day', 'week', 'month', 'year'];

const cancellationFeedback = [
	'customer_service',
	'low_quality',
	'missing_features',
	'other',
	'switched_service',
	'too_complex',
	'too_expensive',
	'unused'
];

/** `cancellation_details[comment]` and `[feedback]` as given ('' clears), checked as Stripe does. */
function cancellationDetailsParams(
	details: Form<Stripe.SubscriptionUpdateParams.CancellationDetails> | '' | undefined
) {
	if (details === undefined || details === '') return { comment: undefined, feedback: undefined };
	const comment = str(details.comment, 'cancellation_details[comment]');
	if (comment !== undefined && comment.length > 5000) {
		throw invalid(
			'This value must be 5000 characters or fewer.',
			'cancellation_details[comment]',
			'string_too_long'
		);
	}
	const feedback = str(details.feedback, 'cancellation_details[feedback]');
	if (feedback && !cancellationFeedback.includes(feedback)) {
		throw invalid(
			`Invalid cancellation_details[feedback]: must be one of ${cancellationFeedback.join(', ')}`,
			'cancellation_details[feedback]'
		);
	}
	return { comment, feedback };
}

export function findSubscription(state: FakeState, id: string): Stripe.Subscription {
	const subscription = state.objects.subscriptions.get(id);
	if (!subscription) throw noSuch('subscription', id);
	return subscription;
}

/** What a completed subscription-mode Checkout creates: the subscription and its paid first invoice. */
export function startSubscription(
	state: FakeState,
	session: Stripe.Checkout.Session,
	customer: Stripe.Customer,
	extras: SessionExtras
): { subscription: Stripe.Subscription; invoice: Stripe.Invoice } {
	const subscription = newSubscription({
		customer: customer.id,
		currency: session.currency ?? 'usd',
		metadata: extras.subscriptionData.metadata,
		description: extras.subscriptionData.description,
		lines: extras.lineItems.map((item) => ({
			price: item.price as Stripe.Price,
			quantity: item.quantity ?? 1
		}))
	});
	state.objects.subscriptions.set(subscription.id, subscription);
	// Stripe bills the first period up front; the invoice's own period is the empty one before it.
	const invoice = createInvoice(
		state,
		subscription,
		'subscription_create',
		subscription.start_date,
		subscription.start_date
	);
	subscription.latest_invoice = invoice.id;
	emit(state, 'customer.subscription.created', subscription);
	emit(state, 'invoice.created', invoice);
	collectNewInvoice(state, invoice, null);
	return { subscription, invoice };
}

function setStatus(
	state: FakeState,
	subscription: Stripe.Subscription,
	status: Stripe.Subscription.Status
) {
	if (subscription.status === status) return;
	const before = snapshot(subscription);
	subscription.status = status;
	emit(state, 'customer.subscription.updated', subscription, {
		previous: changedFields(before, subscription)
	});
}

/**
 * What happens when a billing period ends: if an earlier invoice is still open it is retried
 * (as Smart Retries would), otherwise the subscription moves to its next period and a
 * `subscription_cycle` invoice is created and collected.
 */
export async function payNextInvoice(
	state: FakeState,
	subscriptionId: string,
	outcome: { succeed: boolean; declineCode?: string }
): Promise<Stripe.Invoice> {
	const subscription = state.objects.subscriptions.get(subscriptionId);
	if (!subscription) throw new Error(`No such subscription: ${subscriptionId}`);
	if (subscription.status === 'canceled') throw new Error(`${subscriptionId} is canceled`);
	if (subscription.cancel_at_period_end) {
		throw new Error(`${subscriptionId} is set to cancel at the end of this period, not renew`);
	}
	const decline = outcome.succeed ? undefined : (outcome.declineCode ?? 'generic_decline');
	const latest = state.objects.invoices.get(String(subscription.latest_invoice));
	let invoice: Stripe.Invoice;
	if (latest?.status === 'open') {
		invoice = latest;
		if (settleAttempt(state, invoice, decline)) setStatus(state, subscription, 'active');
	} else {
		const before = snapshot(subscription);
		const previousStart = subscription.items.data[0].current_period_start;
		const start = subscription.items.data[0].current_period_end;
		for (const item of subscription.items.data) {
			item.current_period_start = start;
			item.current_period_end = nextPeriodEnd(item.price, start);
		}
		invoice = createInvoice(state, subscription, 'subscription_cycle', previousStart, start);
		subscription.latest_invoice = invoice.id;
		emit(state, 'customer.subscription.updated', subscription, {
			previous: changedFields(before, subscription)
		});
		emit(state, 'invoice.created', invoice);
		const pause = subscription.pause_collection;
		const paid = collectNewInvoice(state, invoice, pause, decline);
		if (!paid && !pause) setStatus(state, subscription, 'past_due');
	}
	await flushDeliveries(state);
	return snapshot(invoice);
}

function resolvePrice(
	state: FakeState,
	subscription: Stripe.Subscription,
	item: Form<Stripe.SubscriptionUpdateParams.Item>,
	param: string
): Stripe.Price | undefined {
	if (item.price !== undefined && item.price_data !== undefined) {
		throw invalid('You may only specify one of these parameters: price, price_data.', param);
	}
	let price: Stripe.Price | undefined;
	if (item.price !== undefined) {
		price = state.objects.prices.get(item.price);
		if (!price) throw noSuch('price', item.price, `${param}[price]`);
		if (!price.recurring) {
			throw invalid(
				'The price specified is set to `type=one_time` but this field only accepts prices with `type=recurring`.',
				`${param}[price]`
			);
		}
	} else if (item.price_data !== undefined) {
		const data = item.price_data;
		const at = `${param}[price_data]`;
		const product = requireStr(data.product, `${at}[product]`);
		if (!state.objects.products.has(product)) throw noSuch('product', product, `${at}[product]`);
		const interval = requireStr(data.recurring?.interval, `${at}[recurring][interval]`);
		if (!intervals.includes(interval))
			throw invalid(`Invalid interval: ${interval}`, `${at}[recurring][interval]`);
		const amount = int(data.unit_amount, `${at}[unit_amount]`);
		if (amount === undefined) throw missing(`${at}[unit_amount]`);
		price = newPrice(requireStr(data.currency, `${at}[currency]`).toLowerCase(), amount, product, {
			interval: interval as Stripe.Price.Recurring.Interval,
			interval_count:
				int(data.recurring?.interval_count, `${at}[recurring][interval_count]`, 1) ?? 1
		});
	}
	if (price && price.currency !== subscription.currency) {
		throw invalid(
			`The price specified uses currency \`${price.currency}\`, but this subscription uses \`${subscription.currency}\`.`,
			param
		);
	}
	return price;
}

/** The subscription's items after `items[]`: change a price or quantity by id, add, or delete. */
function updatedItems(
	state: FakeState,
	subscription: Stripe.Subscription,
	items: Form<Stripe.SubscriptionUpdateParams.Item>[]
): Stripe.SubscriptionItem[] {
	const next = [...subscription.items.data];
	items.forEach((item, i) => {
		const param = `items[${i}]`;
		const index = item.id === undefined ? -1 : next.findIndex((x) => x.id === item.id);
		if (item.id !== undefined && index < 0) {
			throw invalid(`No such subscription item: '${item.id}'`, `${param}[id]`, 'resource_missing');
		}
		if (bool(item.deleted, `${param}[deleted]`)) {
			if (index < 0) throw missing(`${param}[id]`);
			next.splice(index, 1);
			return;
		}
		const price = resolvePrice(state, subscription, item, param);
		const quantity = int(item.quantity, `${param}[quantity]`, 1);
		if (index >= 0) {
			const current = next[index];
			next[index] = {
				...current,
				...(price && { price, plan: planOf(price) }),
				quantity: quantity ?? current.quantity,
				metadata: mergeMetadata(current.metadata, item.metadata, `${param}[metadata]`)
			};
			return;
		}
		if (!price) throw missing(`${param}[price]`);
		const added = newSubscriptionItem(subscription.id, price, quantity ?? 1, now());
		// A new item shares the subscription's current billing period.
		added.current_period_start = next[0]?.current_period_start ?? added.current_period_start;
		added.current_period_end = next[0]?.current_period_end ?? added.current_period_end;
		next.push(added);
	});
	if (next.length === 0) throw invalid('A subscription must have at least one item.', 'items');
	return next;
}

/**
 * POST /v1/subscriptions/:id. Every parameter is checked before anything changes, so a rejected
 * request leaves the subscription as it was. Prorations are accepted but not invoiced.
 */
export function updateSubscription(
	state: FakeState,
	subscription: Stripe.Subscription,
	p: Form<Stripe.SubscriptionUpdateParams>,
	request: RequestInfo
): Stripe.Subscription {
	if (subscription.status === 'canceled') {
		const allowed = ['metadata', 'cancellation_details', 'expand'];
		if (!Object.keys(p).every((key) => allowed.includes(key))) {
			throw invalid(
				'A canceled subscription can only update its cancellation_details and metadata.'
			);
		}
	}
	const changes: Partial<Stripe.Subscription> = {};
	if (p.pause_collection === '') changes.pause_collection = null;
	else if (p.pause_collection !== undefined) {
		const behavior = requireStr(p.pause_collection.behavior, 'pause_collection[behavior]');
		if (!['keep_as_draft', 'mark_uncollectible', 'void'].includes(behavior)) {
			throw invalid(
				`Invalid pause_collection[behavior]: ${behavior}`,
				'pause_collection[behavior]'
			);
		}
		changes.pause_collection = {
			behavior: behavior as Stripe.Subscription.PauseCollection.Behavior,
			resumes_at: int(p.pause_collection.resumes_at, 'pause_collection[resumes_at]') ?? null
		};
	}
	const atPeriodEnd = bool(p.cancel_at_period_end, 'cancel_at_period_end');
	if (atPeriodEnd !== undefined && p.cancel_at !== undefined) {
		throw invalid('You may only specify one of these parameters: cancel_at, cancel_at_period_end.');
	}
	const periodEnd = subscription.items.data[0].current_period_end;
	const cancelAt =
		atPeriodEnd !== undefined
			? atPeriodEnd
				? periodEnd
				: null
			: p.cancel_at === ''
				? null
				: typeof p.cancel_at === 'string'
					? (int(p.cancel_at, 'cancel_at') ?? null)
					: undefined;
	const details = {
		...(subscription.cancellation_details ?? {
			comment: null,
			feedback: null,
			feedback_option: null,
			reason: null
		})
	};
	if (cancelAt !== undefined) {
		Object.assign(changes, {
			cancel_at: cancelAt,
			cancel_at_period_end: cancelAt === periodEnd,
			canceled_at: cancelAt === null ? null : now()
		});
		details.reason = cancelAt === null ? null : 'cancellation_requested';
	}
	if (p.cancellation_details !== undefined) {
		const { comment, feedback } = cancellationDetailsParams(p.cancellation_details);
		if (comment !== undefined) details.comment = comment || null;
		if (feedback !== undefined) details.feedback = (feedback || null) as typeof details.feedback;
	}
	changes.cancellation_details = details;
	changes.metadata = mergeMetadata(subscription.metadata, p.metadata);
	const description = str(p.description, 'description');
	if (description !== undefined) changes.description = description || null;
	const proration = str(p.proration_behavior, 'proration_behavior');
	if (proration && !['always_invoice', 'create_prorations', 'none'].includes(proration)) {
		throw invalid(`Invalid proration_behavior: ${proration}`, 'proration_behavior');
	}
	if (p.items !== undefined) {
		changes.items = {
			...subscription.items,
			data: updatedItems(state, subscription, list(p.items, 'items'))
		};
	}
	const before = snapshot(subscription);
	Object.assign(subscription, changes);
	// Prices made from price_data are stored only now that the whole request is valid.
	for (const item of subscription.items.data) state.objects.prices.set(item.price.id, item.price);
	const previous = changedFields(before, subscription);
	if (Object.keys(previous).length > 0) {
		emit(state, 'customer.subscription.updated', subscription, { previous, request });
	}
	return subscription;
}

/** DELETE /v1/subscriptions/:id: cancels now, without a final invoice. */
export function cancelSubscription(
	state: FakeState,
	subscription: Stripe.Subscription,
	p: Form<Stripe.SubscriptionCancelParams>,
	request: RequestInfo
): Stripe.Subscription {
	if (subscription.status === 'canceled') {
		throw new ApiError(404, `No such subscription: '${subscription.id}'`, {
			code: 'resource_missing'
		});
	}
	const { comment, feedback } = cancellationDetailsParams(p.cancellation_details);
	const at = now();
	const current = subscription.cancellation_details;
	Object.assign(subscription, {
		status: 'canceled',
		canceled_at: at,
		ended_at: at,
		cancellation_details: {
			comment: comment === undefined ? (current?.comment ?? null) : comment || null,
			feedback: (feedback === undefined
				? (current?.feedback ?? null)
				: feedback || null) as Stripe.Subscription.CancellationDetails.Feedback | null,
			feedback_option: current?.feedback_option ?? null,
			reason: 'cancellation_requested'
		}
	} satisfies Partial<Stripe.Subscription>);
	emit(state, 'customer.subscription.deleted', subscription, { request });
	return subscription;
}
