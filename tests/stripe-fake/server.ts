import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import Stripe from 'stripe';
import { completeCheckout, type CompleteCheckoutOptions } from './checkout.ts';
import { defaultWebhookSecret, findEvent, flushDeliveries, send } from './events.ts';
import { expand } from './expand.ts';
import { ApiError, checkAllowed, parseForm, readBody, sendHtml, sendJson } from './http.ts';
import { newId } from './objects.ts';
import { handlePage } from './pages.ts';
import { defaultCardFeeFixedMinor } from './payments.ts';
import { findRoute } from './routes.ts';
import { createState, type Delivery, type FakeObjects, type FakeState } from './state.ts';
import { payNextInvoice } from './subscriptions.ts';

export type { CompleteCheckoutOptions } from './checkout.ts';
export type { Delivery, FakeObjects } from './state.ts';

export interface StripeFakeOptions {
	/** 0 (the default) picks a free port. */
	port?: number;
	/** The one secret key to accept; by default any key starting with `sk_test_`. */
	apiKey?: string;
	webhookUrl?: string;
	/** Defaults to `whsec_test_fake`. */
	webhookSecret?: string;
	deliverWebhooks?: boolean;
	/** Percentage part of the card fee, in hundredths of a percent (240 = 2.4 %). */
	cardFeeBasisPoints?: number;
	/** Fixed part of the card fee per lower-case currency, in minor units. */
	cardFeeFixedMinor?: Record<string, number>;
}

export interface StripeFake {
	url: string;
	port: number;
	close(): Promise<void>;
	/** Every event created, oldest first. */
	events: Stripe.Event[];
	deliveries: Delivery[];
	setWebhookDelivery(on: boolean): void;
	/** Sends one event to the webhook URL now (again), returning the HTTP status (0: no answer). */
	deliver(eventId: string): Promise<number>;
	/** Resolves when every queued webhook delivery has finished. */
	flushWebhooks(): Promise<void>;
	/** What pressing Pay on the checkout page does; resolves after its webhooks are delivered. */
	completeCheckout(sessionId: string, options?: CompleteCheckoutOptions): Promise<void>;
	/** Ends the current billing period: retries an open invoice, or bills the next period. */
	payNextInvoice(
		subscriptionId: string,
		outcome: { succeed: boolean; declineCode?: string }
	): Promise<Stripe.Invoice>;
	objects: FakeObjects;
}

interface Replay {
	endpoint: string;
	params: string;
	status: number;
	body: unknown;
}

const missingKey =
	"You did not provide an API key. You need to provide your API key in the Authorization header, using Bearer auth (e.g. 'Authorization: Bearer YOUR_SECRET_KEY').";

function apiKeyOf(req: IncomingMessage): string | undefined {
	const header = req.headers.authorization ?? '';
	if (header.startsWith('Bearer ')) return header.slice(7).trim() || undefined;
	// curl -u sk_test_...: sends the key as a Basic user name.
	if (header.startsWith('Basic ')) {
		return Buffer.from(header.slice(6), 'base64').toString('utf8').split(':')[0] || undefined;
	}
	return undefined;
}

function authenticate(state: FakeState, req: IncomingMessage): string {
	const key = apiKeyOf(req);
	if (!key) throw new ApiError(401, missingKey);
	const expected = state.options.apiKey;
	if (expected ? key !== expected : !key.startsWith('sk_test_')) {
		const shown = key.length > 12 ? `${key.slice(0, 8)}****${key.slice(-4)}` : '****';
		throw new ApiError(401, `Invalid API Key provided: ${shown}`);
	}
	return key;
}

async function handleApi(
	state: FakeState,
	replays: Map<string, Replay>,
	req: IncomingMessage,
	res: ServerResponse,
	url: URL
): Promise<void> {
	const requestId = newId('req_');
	const version = req.headers['stripe-version'];
	const headers = {
		'Request-Id': requestId,
		'Stripe-Version': typeof version === 'string' ? version : Stripe.API_VERSION
	};
	const method = req.method ?? 'GET';
	const idempotencyKey = method === 'GET' ? undefined : req.headers['idempotency-key'];
	let replayKey: string | undefined;
	let endpoint = '';
	let raw = '';
	let status = 200;
	let body: unknown;
	try {
		const apiKey = authenticate(state, req);
		// The SDK sends GET and DELETE parameters in the query string and POST ones in the body.
		raw = [url.search.slice(1), await readBody(req)].filter(Boolean).join('&');
		endpoint = `${method} ${url.pathname}`;
		if (typeof idempotencyKey === 'string') {
			replayKey = `${apiKey} ${idempotencyKey}`;
			const earlier = replays.get(replayKey);
			if (earlier) {
				replayKey = undefined;
				if (earlier.endpoint !== endpoint || earlier.params !== raw) {
					throw new ApiError(
						400,
						`Keys for idempotent requests can only be used with the same parameters they were first used with. Try using a key other than '${idempotencyKey}' if you meant to execute a different request.`,
						{ type: 'idempotency_error' }
					);
				}
				return sendJson(res, earlier.status, earlier.body, {
					...headers,
					'Idempotent-Replayed': 'true'
				});
			}
		}
		const { route, id } = findRoute(method, url.pathname);
		const params = parseForm(raw);
		checkAllowed(params, route.allowed);
		const result = route.handle(state, {
			params,
			id,
			request: {
				id: requestId,
				idempotency_key: typeof idempotencyKey === 'string' ? idempotencyKey : null
			}
		});
		body = expand(state, result, params.expand);
	} catch (error) {
		if (error instanceof ApiError) {
			status = error.status;
			body = error.toJSON();
		} else {
			status = 500;
			body = { error: { type: 'api_error', message: String(error) } };
		}
	}
	// Like Stripe, remember the outcome for the key, unless the server failed.
	if (replayKey && status < 500) replays.set(replayKey, { endpoint, params: raw, status, body });
	sendJson(res, status, body, headers);
}

export async function startStripeFake(options: StripeFakeOptions = {}): Promise<StripeFake> {
	const state = createState(
		{
			apiKey: options.apiKey,
			webhookUrl: options.webhookUrl,
			webhookSecret: options.webhookSecret ?? defaultWebhookSecret,
			cardFeeBasisPoints: options.cardFeeBasisPoints ?? 240,
			cardFeeFixedMinor: options.cardFeeFixedMinor ?? defaultCardFeeFixedMinor
		},
		options.deliverWebhooks ?? true
	);
	const replays = new Map<string, Replay>();
	const server = createServer((req, res) => {
		const url = new URL(req.url ?? '/', 'http://localhost');
		const handling = url.pathname.startsWith('/v1/')
			? handleApi(state, replays, req, res, url)
			: handlePage(state, req, res, url.pathname).then((handled) => {
					if (!handled)
						sendHtml(res, 404, '<!doctype html><title>Not found</title><h1>Not found</h1>');
				});
		handling.catch((error: unknown) => {
			if (!res.headersSent)
				sendHtml(res, 500, `<!doctype html><title>Error</title><pre>${String(error)}</pre>`);
			else res.end();
		});
	});
	await new Promise<void>((resolve, reject) => {
		server.once('error', reject);
		server.listen(options.port ?? 0, '127.0.0.1', () => resolve());
	});
	const port = (server.address() as AddressInfo).port;
	state.url = `http://127.0.0.1:${port}`;
	return {
		url: state.url,
		port,
		events: state.events,
		deliveries: state.deliveries,
		objects: state.objects,
		async close() {
			await flushDeliveries(state);
			await new Promise<void>((resolve, reject) => {
				server.close((error) => (error ? reject(error) : resolve()));
				// The SDK keeps connections alive; without this, close() would wait for them to idle out.
				server.closeAllConnections();
			});
		},
		setWebhookDelivery(on) {
			state.deliverWebhooks = on;
		},
		deliver: (eventId) => send(state, findEvent(state, eventId)),
		flushWebhooks: () => flushDeliveries(state),
		completeCheckout: (sessionId, completeOptions) =>
			completeCheckout(state, sessionId, completeOptions),
		payNextInvoice: (subscriptionId, outcome) => payNextInvoice(state, subscriptionId, outcome)
	};
}
