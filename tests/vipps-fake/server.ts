import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { agreementPage, landingPage } from './pages.ts';
import {
	actOnAgreement,
	agreementView,
	cancelCharge,
	refundCharge,
	chargeView,
	createCharge,
	createRecurringState,
	draftAgreement,
	findAgreement,
	findCharge,
	processCharges,
	stopAgreement,
	type ChargeOutcome,
	type EmitRecurring,
	type FakeAgreement,
	type FakeCharge,
	type RecurringWebhookEvent
} from './recurring.ts';
import {
	actInApp,
	cancel,
	capture,
	createPayment,
	findPayment,
	modificationView,
	paymentView,
	Problem,
	refund,
	type CreatePaymentBody,
	type EmitEvent
} from './payments.ts';
import { signedHeaders } from './signing.ts';
import {
	createState,
	newPspReference,
	newToken,
	newWebhookId,
	newWebhookSecret,
	type Delivery,
	type FakePayment,
	type FakeState,
	type StoredEvent,
	type WebhookEvent
} from './state.ts';

// A local stand-in for Vipps MobilePay's APIs, built from the published documents: the Access
// Token API, the ePayment API (create, get, capture, cancel, refund, the test environment's
// force-approve), the Webhooks API (register, list, delete, signed delivery) and a landing page
// with Approve / Reject in place of the app. For tests and demos; not part of the app build.

export type { Delivery, StoredEvent, WebhookEvent } from './state.ts';
export type {
	ChargeOutcome,
	FakeAgreement,
	FakeCharge,
	RecurringWebhookEvent
} from './recurring.ts';

export interface StoredRecurringEvent {
	type: string;
	body: RecurringWebhookEvent;
}

export interface VippsFakeOptions {
	/** 0 (the default) picks a free port. */
	port?: number;
	clientId?: string;
	clientSecret?: string;
	subscriptionKey?: string;
	merchantSerialNumber?: string;
	/** Seconds; Vipps's test environment gives an hour. */
	tokenLifetimeSeconds?: number;
	deliverWebhooks?: boolean;
	/**
	 * Recurring API requests allowed in any 60 seconds before it answers HTTP 429, as Vipps does
	 * (500 a minute, published); no limit unless set.
	 */
	recurringRequestsPerMinute?: number;
}

export const fakeCredentials = {
	clientId: 'fake-client-id',
	clientSecret: 'fake-client-secret',
	subscriptionKey: 'fake-subscription-key',
	merchantSerialNumber: '123456'
};

export interface VippsFake {
	url: string;
	close(): Promise<void>;
	payments: ReadonlyMap<string, FakePayment>;
	/** Every webhook event, oldest first. */
	events: StoredEvent[];
	deliveries: Delivery[];
	readonly tokensIssued: number;
	/** Registered webhooks, with their secrets. */
	webhooks: ReadonlyMap<string, { id: string; url: string; events: string[]; secret: string }>;
	setWebhookDelivery(on: boolean): void;
	/** What the supporter does in the app; resolves after its webhooks are delivered. */
	approve(reference: string, phoneNumber?: string): Promise<void>;
	reject(reference: string): Promise<void>;
	expire(reference: string): Promise<void>;
	/** Sends an event (again) to every webhook registered for it, or to `to` signed as for them. */
	deliver(event: StoredEvent | StoredRecurringEvent, to?: string): Promise<number[]>;
	flushWebhooks(): Promise<void>;
	/** Recurring API requests answered with HTTP 429 (see `recurringRequestsPerMinute`). */
	readonly rateLimited: number;
	limitRecurringRequests(perMinute: number | undefined): void;
	/** Recurring API: agreements and charges as Vipps holds them. */
	agreements: ReadonlyMap<string, FakeAgreement>;
	charges: ReadonlyMap<string, FakeCharge>;
	recurringEvents: StoredRecurringEvent[];
	approveAgreement(agreementId: string, maxAmount?: number): Promise<void>;
	rejectAgreement(agreementId: string): Promise<void>;
	/** The fake's idea of today (YYYY-MM-DD), for due dates; the real date unless set. */
	setToday(date: string | null): void;
	/**
	 * Runs Vipps's charging for the day `onDate` (by default the fake's today): charges due by
	 * then are charged, or declined as `outcome` says; resolves after their webhooks.
	 */
	processCharges(
		onDate?: string,
		outcome?: (charge: FakeCharge) => ChargeOutcome
	): Promise<FakeCharge[]>;
}

async function readBody(req: IncomingMessage): Promise<string> {
	const chunks: Buffer[] = [];
	for await (const chunk of req) chunks.push(chunk as Buffer);
	return Buffer.concat(chunks).toString('utf8');
}

function sendJson(res: ServerResponse, status: number, body: unknown) {
	if (status === 204) {
		res.writeHead(204).end();
		return;
	}
	const isProblem = body instanceof Problem;
	res.writeHead(status, {
		'content-type': isProblem ? 'application/problem+json' : 'application/json'
	});
	res.end(JSON.stringify(body));
}

export async function startVippsFake(options: VippsFakeOptions = {}): Promise<VippsFake> {
	const credentials = { ...fakeCredentials, ...options };
	const state: FakeState = createState(credentials.merchantSerialNumber);
	let deliverWebhooks = options.deliverWebhooks ?? true;
	let queue: Promise<unknown> = Promise.resolve();
	let baseUrl = '';

	const recurring = createRecurringState();
	const recurringEvents: StoredRecurringEvent[] = [];
	let fixedToday: string | null = null;
	const today = () => fixedToday ?? new Date().toISOString().slice(0, 10);
	/** The fake's clock: the set day (at 10:00 UTC) or now. */
	const clock = () => (fixedToday ? new Date(`${fixedToday}T10:00:00Z`) : new Date());

	async function post(
		webhook: { url: string; secret: string },
		url: string,
		event: StoredEvent | StoredRecurringEvent
	) {
		const body = JSON.stringify(event.body);
		try {
			const response = await fetch(url, {
				method: 'POST',
				headers: signedHeaders(webhook.url, webhook.secret, body),
				body,
				signal: AbortSignal.timeout(30_000)
			});
			await response.arrayBuffer();
			return response.status;
		} catch {
			return 0;
		}
	}

	function deliver(event: StoredEvent | StoredRecurringEvent, to?: string): Promise<number[]> {
		const targets = [...state.webhooks.values()].filter((w) => w.events.includes(event.type));
		return Promise.all(
			targets.map(async (webhook) => {
				const status = await post(webhook, to ?? webhook.url, event);
				state.deliveries.push({
					webhookId: webhook.id,
					type: event.type,
					reference: 'reference' in event.body ? event.body.reference : event.body.agreementId,
					status
				});
				return status;
			})
		);
	}

	const emit: EmitEvent = (payment, name, amount, idempotencyKey) => {
		const event: StoredEvent = {
			type: `epayments.payment.${name.toLowerCase()}.v1`,
			body: {
				msn: state.msn,
				reference: payment.reference,
				// Every event, like every adjustment at Vipps, has its own PSP reference.
				pspReference: name === 'CREATED' ? payment.pspReference : newPspReference(),
				name,
				amount: { ...amount },
				timestamp: new Date().toISOString(),
				idempotencyKey,
				success: true
			} satisfies WebhookEvent
		};
		state.events.push(event);
		if (deliverWebhooks) queue = queue.then(() => deliver(event));
	};

	const emitRecurring: EmitRecurring = (type, fields) => {
		const event: StoredRecurringEvent = {
			type,
			body: { msn: state.msn, eventType: type, occurred: new Date().toISOString(), ...fields }
		};
		recurringEvents.push(event);
		if (deliverWebhooks) queue = queue.then(() => deliver(event));
	};

	// Times of the Recurring API requests of the last 60 seconds, oldest first.
	const recentRecurring: number[] = [];
	let rateLimited = 0;
	let recurringLimit = options.recurringRequestsPerMinute;
	function isOverRecurringLimit(): boolean {
		const limit = recurringLimit;
		if (!limit) return false;
		const now = performance.now();
		while (recentRecurring.length && recentRecurring[0] <= now - 60_000) recentRecurring.shift();
		if (recentRecurring.length >= limit) {
			rateLimited++;
			return true;
		}
		recentRecurring.push(now);
		return false;
	}

	function recurringApi(
		req: IncomingMessage,
		method: string,
		path: string,
		json: Record<string, unknown>
	): Promise<{ status: number; body: unknown }> | { status: number; body: unknown } | null {
		if (!path.startsWith('/recurring/')) return null;
		if (isOverRecurringLimit())
			throw new Problem(429, 'Too Many Requests', 'Recurring API rate limit exceeded');
		if (path === '/recurring/v3/agreements' && method === 'POST')
			return idempotent(req, path, () => ({
				status: 201,
				body: draftAgreement(recurring, json, baseUrl)
			}));
		const match =
			/^\/recurring\/v3\/agreements\/([^/]+)(\/charges(?:\/([^/]+)(\/refund)?)?)?$/.exec(path);
		if (!match) return null;
		const [, agreementId, charges, chargeId, refund] = match;
		const agreement = findAgreement(recurring, decodeURIComponent(agreementId));
		if (!charges) {
			if (method === 'GET') return { status: 200, body: agreementView(agreement, baseUrl) };
			if (method === 'PATCH') {
				if (json.status === 'STOPPED') stopAgreement(recurring, agreement, emitRecurring, clock());
				const pricing = json.pricing as { suggestedMaxAmount?: number } | undefined;
				if (pricing?.suggestedMaxAmount)
					agreement.pricing.suggestedMaxAmount = pricing.suggestedMaxAmount;
				return { status: 204, body: null };
			}
			return null;
		}
		if (!chargeId) {
			if (method === 'POST')
				return idempotent(req, path, (key) => ({
					status: 201,
					body: createCharge(recurring, agreement, json, key, today())
				}));
			if (method === 'GET')
				return {
					status: 200,
					body: [...recurring.charges.values()]
						.filter((c) => c.agreementId === agreement.id)
						.map(chargeView)
				};
			return null;
		}
		const charge = findCharge(recurring, agreement.id, decodeURIComponent(chargeId));
		if (refund)
			return method === 'POST'
				? idempotent(req, path, (key) => {
						refundCharge(charge, json, key);
						return { status: 204, body: null };
					})
				: null;
		if (method === 'GET') return { status: 200, body: chargeView(charge) };
		if (method === 'DELETE') {
			cancelCharge(recurring, charge, emitRecurring);
			return { status: 204, body: null };
		}
		return null;
	}

	function authenticate(req: IncomingMessage) {
		if (req.headers['ocp-apim-subscription-key'] !== credentials.subscriptionKey)
			throw new Problem(401, 'Unauthorized', 'Access denied due to invalid subscription key.');
		const bearer = /^Bearer (.+)$/.exec(req.headers.authorization ?? '')?.[1];
		if (!bearer || !state.tokens.has(bearer))
			throw new Problem(401, 'Unauthorized', 'The access token is missing or invalid.');
		if (req.headers['merchant-serial-number'] !== credentials.merchantSerialNumber)
			throw new Problem(403, 'Forbidden', 'Unknown Merchant-Serial-Number.');
	}

	function issueToken(req: IncomingMessage) {
		if (
			req.headers.client_id !== credentials.clientId ||
			req.headers.client_secret !== credentials.clientSecret ||
			req.headers['ocp-apim-subscription-key'] !== credentials.subscriptionKey
		)
			throw new Problem(401, 'Unauthorized', 'AADSTS7000215: Invalid client secret provided.');
		const token = newToken();
		state.tokens.add(token);
		state.tokensIssued++;
		const lifetime = options.tokenLifetimeSeconds ?? 3600;
		const now = Math.floor(Date.now() / 1000);
		return {
			token_type: 'Bearer',
			expires_in: String(lifetime),
			ext_expires_in: String(lifetime),
			expires_on: String(now + lifetime),
			not_before: String(now),
			resource: '00000002-0000-0000-c000-000000000000',
			access_token: token
		};
	}

	/** Same key, same path: the first answer again, as Vipps's idempotency promises. */
	async function idempotent(
		req: IncomingMessage,
		path: string,
		work: (key: string) => { status: number; body: unknown }
	) {
		const key = String(req.headers['idempotency-key'] ?? '');
		if (!key || key.length > 50)
			throw new Problem(400, 'Bad Request', 'Idempotency-Key is required (at most 50 characters)');
		const stored = state.idempotent.get(`${path} ${key}`);
		if (stored) return stored;
		const answer = work(key);
		state.idempotent.set(`${path} ${key}`, answer);
		return answer;
	}

	async function api(
		req: IncomingMessage,
		path: string
	): Promise<{ status: number; body: unknown }> {
		const method = req.method ?? 'GET';
		if (method === 'POST' && path === '/accesstoken/get')
			return { status: 200, body: issueToken(req) };
		authenticate(req);
		const raw = method === 'GET' || method === 'DELETE' ? '' : await readBody(req);
		let json: Record<string, unknown> = {};
		if (raw) {
			try {
				json = JSON.parse(raw);
			} catch {
				throw new Problem(400, 'Bad Request', 'The body is not JSON');
			}
		}

		if (path === '/epayment/v1/payments' && method === 'POST')
			return idempotent(req, path, (key) => ({
				status: 201,
				body: createPayment(state, json as CreatePaymentBody, baseUrl, emit, key)
			}));
		const match = /^\/epayment\/v1\/(test\/)?payments\/([^/]+)(?:\/(\w+))?$/.exec(path);
		if (match) {
			const [, isTest, reference, action] = match;
			const payment = findPayment(state, decodeURIComponent(reference));
			if (isTest && action === 'approve' && method === 'POST') {
				actInApp(payment, 'approve', emit);
				return { status: 200, body: {} };
			}
			if (!action && method === 'GET') return { status: 200, body: paymentView(payment) };
			if (action === 'events' && method === 'GET')
				return {
					status: 200,
					body: state.events
						.filter((e) => e.body.reference === payment.reference)
						.map(({ body }) => {
							// The event log leaves out the merchant serial number.
							const entry: Partial<WebhookEvent> = { ...body };
							delete entry.msn;
							return entry;
						})
				};
			if (method === 'POST' && (action === 'capture' || action === 'refund' || action === 'cancel'))
				return idempotent(req, path, (key) => {
					if (action === 'capture') capture(payment, json.modificationAmount, emit, key);
					else if (action === 'refund') refund(payment, json.modificationAmount, emit, key);
					else cancel(payment, emit, key);
					return { status: 200, body: modificationView(payment) };
				});
		}

		const recurringAnswer = recurringApi(req, method, path, json);
		if (recurringAnswer) return recurringAnswer;

		if (path === '/webhooks/v1/webhooks' && method === 'GET')
			return {
				status: 200,
				body: {
					webhooks: [...state.webhooks.values()].map(({ id, url, events }) => ({ id, url, events }))
				}
			};
		if (path === '/webhooks/v1/webhooks' && method === 'POST') {
			const { url, events } = json as { url?: unknown; events?: unknown };
			if (typeof url !== 'string' || !URL.canParse(url))
				throw new Problem(400, 'Bad Request', 'url must be an absolute URL');
			if (
				!Array.isArray(events) ||
				events.length === 0 ||
				!events.every((e) => typeof e === 'string')
			)
				throw new Problem(400, 'Bad Request', 'events must name at least one event type');
			if (state.webhooks.size >= 25)
				throw new Problem(400, 'Bad Request', 'At most 25 webhooks per merchant serial number');
			const webhook = { id: newWebhookId(), url, events, secret: newWebhookSecret() };
			state.webhooks.set(webhook.id, webhook);
			return { status: 201, body: { id: webhook.id, secret: webhook.secret } };
		}
		const hook = /^\/webhooks\/v1\/webhooks\/([^/]+)$/.exec(path);
		if (hook && method === 'DELETE') {
			if (!state.webhooks.delete(decodeURIComponent(hook[1])))
				throw new Problem(404, 'Not Found', 'No such webhook');
			return { status: 204, body: null };
		}
		throw new Problem(404, 'Not Found', `${method} ${path} is not an endpoint of this fake`);
	}

	async function landing(req: IncomingMessage, res: ServerResponse, url: URL) {
		const form =
			req.method === 'POST' ? new URLSearchParams(await readBody(req)) : url.searchParams;
		const token = form.get('token') ?? '';
		const agreement = [...recurring.agreements.values()].find((a) => a.token === token);
		if (agreement) {
			if (req.method === 'POST') {
				const action = form.get('action') === 'approve' ? 'approve' : 'reject';
				if (agreement.status === 'PENDING')
					actOnAgreement(recurring, agreement, action, emitRecurring, undefined, clock());
				await queue;
				res.writeHead(303, { location: agreement.merchantRedirectUrl }).end();
				return;
			}
			const initial = agreement.initialChargeId
				? recurring.charges.get(agreement.initialChargeId)
				: undefined;
			res
				.writeHead(200, { 'content-type': 'text/html; charset=utf-8' })
				.end(agreementPage(agreement, initial));
			return;
		}
		const payment = [...state.payments.values()].find((p) => p.token === token);
		if (!payment) {
			res.writeHead(404, { 'content-type': 'text/plain' }).end('No such payment');
			return;
		}
		if (req.method === 'POST') {
			const action = form.get('action') === 'approve' ? 'approve' : 'reject';
			if (payment.state === 'CREATED')
				actInApp(payment, action, emit, form.get('phoneNumber')?.replace(/\D/g, '') || undefined);
			await queue;
			res.writeHead(303, { location: payment.returnUrl }).end();
			return;
		}
		res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(landingPage(payment));
	}

	const server = createServer(async (req, res) => {
		const url = new URL(req.url ?? '/', 'http://fake');
		try {
			if (url.pathname === '/landing') return await landing(req, res, url);
			const { status, body } = await api(req, url.pathname);
			sendJson(res, status, body);
		} catch (error) {
			const problem =
				error instanceof Problem ? error : new Problem(500, 'Internal Server Error', String(error));
			sendJson(res, problem.status, problem);
		}
	});
	await new Promise<void>((resolve) => server.listen(options.port ?? 0, '127.0.0.1', resolve));
	baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

	const inApp = async (
		reference: string,
		action: 'approve' | 'reject' | 'expire',
		phone?: string
	) => {
		actInApp(findPayment(state, reference), action, emit, phone);
		await queue;
	};

	return {
		url: baseUrl,
		close: () =>
			new Promise<void>((resolve) => {
				server.closeAllConnections();
				server.close(() => resolve());
			}),
		payments: state.payments,
		webhooks: state.webhooks,
		events: state.events,
		deliveries: state.deliveries,
		get tokensIssued() {
			return state.tokensIssued;
		},
		get rateLimited() {
			return rateLimited;
		},
		limitRecurringRequests: (perMinute) => {
			recurringLimit = perMinute;
			recentRecurring.length = 0;
		},
		setWebhookDelivery: (on) => {
			deliverWebhooks = on;
		},
		approve: (reference, phone) => inApp(reference, 'approve', phone),
		reject: (reference) => inApp(reference, 'reject'),
		expire: (reference) => inApp(reference, 'expire'),
		deliver,
		flushWebhooks: async () => {
			await queue;
		},
		agreements: recurring.agreements,
		charges: recurring.charges,
		recurringEvents,
		approveAgreement: async (agreementId, maxAmount) => {
			actOnAgreement(
				recurring,
				findAgreement(recurring, agreementId),
				'approve',
				emitRecurring,
				maxAmount,
				clock()
			);
			await queue;
		},
		rejectAgreement: async (agreementId) => {
			actOnAgreement(
				recurring,
				findAgreement(recurring, agreementId),
				'reject',
				emitRecurring,
				undefined,
				clock()
			);
			await queue;
		},
		setToday: (date) => {
			fixedToday = date;
		},
		processCharges: async (onDate = today(), outcome = () => 'charged') => {
			const touched = processCharges(recurring, onDate, outcome, emitRecurring);
			await queue;
			return touched;
		}
	};
}
