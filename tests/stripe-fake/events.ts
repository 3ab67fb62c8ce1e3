import Stripe from 'stripe';
import { ApiError, int, invalid, list, str, type Form } from './http.ts';
import { newId, now } from './objects.ts';
import { apiList, snapshot, type FakeState } from './state.ts';

/** What an event's `request` says: the API request that caused it, or nulls for automatic ones. */
export type RequestInfo = Stripe.Event.Request;
export const automatic: RequestInfo = { id: null, idempotency_key: null };

export const defaultWebhookSecret = 'whsec_test_fake';

function willDeliver(state: FakeState): boolean {
	return state.deliverWebhooks && Boolean(state.options.webhookUrl);
}

/**
 * Records an event with a copy of the object as it is now, and queues its webhook. Deliveries
 * run on one chain so the app receives events in the order they happened.
 */
export function emit(
	state: FakeState,
	type: Stripe.Event.Type,
	object: { object: string },
	options: { previous?: Record<string, unknown>; request?: RequestInfo } = {}
): Stripe.Event {
	const data: { object: unknown; previous_attributes?: Record<string, unknown> } = {
		object: snapshot(object)
	};
	if (options.previous && Object.keys(options.previous).length > 0) {
		data.previous_attributes = snapshot(options.previous);
	}
	const event = {
		id: newId('evt_'),
		object: 'event',
		api_version: Stripe.API_VERSION,
		created: now(),
		data,
		livemode: false,
		pending_webhooks: willDeliver(state) ? 1 : 0,
		request: options.request ?? automatic,
		type
	} as Stripe.Event;
	state.events.push(event);
	if (willDeliver(state)) {
		// The chain always settles as fulfilled, so one failed delivery can't stop the next.
		state.deliveryChain = state.deliveryChain.then(() => send(state, event)).then(ignore, ignore);
	}
	return event;
}

const ignore = (): void => undefined;

/** Resolves once every queued webhook has been answered (or has failed). */
export function flushDeliveries(state: FakeState): Promise<void> {
	return state.deliveryChain;
}

/** POSTs one event to the webhook URL, signed like Stripe does, and records the outcome. */
export async function send(state: FakeState, event: Stripe.Event): Promise<number> {
	const url = state.options.webhookUrl;
	if (!url) throw new Error('The Stripe fake has no webhookUrl to deliver to');
	const payload = JSON.stringify(event, null, 2);
	const signature = Stripe.webhooks.generateTestHeaderString({
		payload,
		secret: state.options.webhookSecret ?? defaultWebhookSecret
	});
	let status = 0;
	try {
		const response = await fetch(url, {
			method: 'POST',
			headers: {
				'Content-Type': 'application/json; charset=utf-8',
				'Stripe-Signature': signature,
				'User-Agent': 'Stripe/1.0 (+https://stripe.com/docs/webhooks)'
			},
			body: payload,
			redirect: 'manual',
			signal: AbortSignal.timeout(10_000)
		});
		status = response.status;
		await response.arrayBuffer();
	} catch {
		// A refused connection or timeout counts as a failed attempt, as it does for Stripe.
		status = 0;
	}
	const attempt = state.deliveries.filter((d) => d.eventId === event.id).length + 1;
	state.deliveries.push({ eventId: event.id, status, attempt });
	if (status >= 200 && status < 300) event.pending_webhooks = 0;
	return status;
}

export function findEvent(state: FakeState, id: string): Stripe.Event {
	const event = state.events.find((e) => e.id === id);
	if (!event) throw new ApiError(404, `No such event: '${id}'`, { code: 'resource_missing' });
	return event;
}

type CreatedFilter = Form<Stripe.RangeQueryParam> | string | undefined;

function createdMatches(created: number, filter: CreatedFilter): boolean {
	if (filter === undefined) return true;
	if (typeof filter === 'string') return created === int(filter, 'created');
	const bound = (key: keyof Stripe.RangeQueryParam) => int(filter[key], `created[${key}]`);
	const [gt, gte, lt, lte] = [bound('gt'), bound('gte'), bound('lt'), bound('lte')];
	return (
		(gt === undefined || created > gt) &&
		(gte === undefined || created >= gte) &&
		(lt === undefined || created < lt) &&
		(lte === undefined || created <= lte)
	);
}

/** `invoice.*` matches every invoice event, as Stripe's type filter does. */
function typeMatches(type: string, pattern: string): boolean {
	return pattern.endsWith('.*') ? type.startsWith(pattern.slice(0, -1)) : type === pattern;
}

/**
 * Lists events newest first. Cursors are positions in the whole history, so paging works the
 * same whether or not filters are applied.
 */
export function listEvents(
	state: FakeState,
	params: Form<Stripe.EventListParams>
): Stripe.ApiList<Stripe.Event> {
	const limit = int(params.limit, 'limit', 1) ?? 10;
	if (limit > 100) throw invalid('This value must be less than or equal to 100.', 'limit');
	const type = str(params.type, 'type');
	const types = list(params.types, 'types');
	if (type !== undefined && types.length > 0) {
		throw invalid('You may only specify one of these parameters: type, types.', 'types');
	}
	const after = str(params.starting_after, 'starting_after');
	const before = str(params.ending_before, 'ending_before');
	if (after && before) {
		throw invalid(
			'You may only specify one of these parameters: ending_before, starting_after.',
			'starting_after'
		);
	}
	const newestFirst = [...state.events].reverse();
	const position = (id: string, param: string) => {
		const index = newestFirst.findIndex((e) => e.id === id);
		if (index < 0) throw invalid(`No such event: '${id}'`, param, 'resource_missing');
		return index;
	};
	const matching = newestFirst
		.map((event, index) => ({ event, index }))
		.filter(
			({ event }) =>
				createdMatches(event.created, params.created) &&
				(type === undefined || typeMatches(event.type, type)) &&
				(types.length === 0 || types.some((t) => typeMatches(event.type, String(t))))
		);
	let page: typeof matching;
	let hasMore: boolean;
	if (before) {
		const cursor = position(before, 'ending_before');
		const newer = matching.filter((m) => m.index < cursor);
		page = newer.slice(-limit);
		hasMore = newer.length > limit;
	} else {
		const cursor = after ? position(after, 'starting_after') : -1;
		const older = matching.filter((m) => m.index > cursor);
		page = older.slice(0, limit);
		hasMore = older.length > limit;
	}
	return apiList(
		page.map((m) => snapshot(m.event)),
		'/v1/events',
		hasMore
	);
}
