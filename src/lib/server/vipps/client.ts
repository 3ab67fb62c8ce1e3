import type { z } from 'zod';
import { vippsSettings, type VippsSettings } from './settings.ts';
import {
	agreement,
	charge,
	draftAgreementResponse,
	type Agreement,
	type Charge,
	type CreateChargeRequest,
	type DraftAgreementRequest,
	accessTokenResponse,
	createPaymentResponse,
	modificationResponse,
	payment,
	registeredWebhook,
	webhookList,
	type Amount,
	type CreatePaymentRequest,
	type ModificationResponse,
	type Payment,
	type WebhookRegistration
} from './types.ts';

// A small typed client for the parts of Vipps MobilePay's APIs that Komak uses. The official
// SDK (@vippsmobilepay/sdk) can only talk to api.vipps.no or apitest.vipps.no through the
// global fetch, so it cannot be pointed at a local fake cleanly; see the README.

/** A token is renewed this long before Vipps says it expires. */
const TOKEN_RENEWAL_MARGIN_MS = 5 * 60_000;
const REQUEST_TIMEOUT_MS = 20_000;

export class VippsApiError extends Error {
	readonly status: number;
	readonly operation: string;
	readonly detail: string;

	constructor(status: number, operation: string, detail: string) {
		super(`Vipps ${operation} failed with HTTP ${status}: ${detail}`);
		this.status = status;
		this.operation = operation;
		this.detail = detail;
	}
}

export interface VippsClientOptions {
	fetch?: typeof fetch;
	now?: () => number;
}

export type VippsClient = ReturnType<typeof createVippsClient>;

export function createVippsClient(
	settings: VippsSettings,
	{ fetch: fetchImpl = fetch, now = Date.now }: VippsClientOptions = {}
) {
	let token: { value: string; renewAt: number } | undefined;
	let pendingToken: Promise<string> | undefined;
	const common = {
		'Ocp-Apim-Subscription-Key': settings.subscriptionKey,
		'Merchant-Serial-Number': settings.merchantSerialNumber,
		'Vipps-System-Name': 'komak',
		'Vipps-System-Version': '0.1.0'
	};

	async function fetchToken(): Promise<string> {
		const response = await fetchImpl(`${settings.apiUrl}/accesstoken/get`, {
			method: 'POST',
			headers: {
				...common,
				client_id: settings.clientId,
				client_secret: settings.clientSecret
			},
			signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS)
		});
		if (!response.ok)
			throw new VippsApiError(response.status, 'access token', await detail(response));
		const body = accessTokenResponse.parse(await response.json());
		const lifetimeMs = body.expires_in * 1000;
		token = {
			value: body.access_token,
			renewAt: now() + Math.max(lifetimeMs - TOKEN_RENEWAL_MARGIN_MS, lifetimeMs / 2)
		};
		return token.value;
	}

	/** The cached access token, fetched once for any number of callers at the same moment. */
	async function accessToken(): Promise<string> {
		if (token && now() < token.renewAt) return token.value;
		pendingToken ??= fetchToken().finally(() => (pendingToken = undefined));
		return pendingToken;
	}

	async function call<T>(
		operation: string,
		method: 'GET' | 'POST' | 'PATCH' | 'DELETE',
		path: string,
		shape: z.ZodType<T> | null,
		{ body, idempotencyKey }: { body?: unknown; idempotencyKey?: string } = {}
	): Promise<T> {
		const response = await fetchImpl(`${settings.apiUrl}${path}`, {
			method,
			headers: {
				...common,
				Authorization: `Bearer ${await accessToken()}`,
				...(body !== undefined && { 'Content-Type': 'application/json' }),
				...(idempotencyKey && { 'Idempotency-Key': idempotencyKey })
			},
			body: body === undefined ? undefined : JSON.stringify(body),
			signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS)
		});
		if (response.status === 401) token = undefined; // revoked or expired early: ask again next time
		if (!response.ok) throw new VippsApiError(response.status, operation, await detail(response));
		if (!shape) return undefined as T;
		return shape.parse(await response.json());
	}

	const agreementPath = (agreementId: string) =>
		`/recurring/v3/agreements/${encodeURIComponent(agreementId)}`;
	const paymentPath = (reference: string) =>
		`/epayment/v1/payments/${encodeURIComponent(reference)}`;

	return {
		accessToken,
		createPayment: (request: CreatePaymentRequest, idempotencyKey: string) =>
			call('create payment', 'POST', '/epayment/v1/payments', createPaymentResponse, {
				body: request,
				idempotencyKey
			}),
		getPayment: (reference: string): Promise<Payment> =>
			call('get payment', 'GET', paymentPath(reference), payment),
		capturePayment: (
			reference: string,
			modificationAmount: Amount,
			idempotencyKey: string
		): Promise<ModificationResponse> =>
			call('capture', 'POST', `${paymentPath(reference)}/capture`, modificationResponse, {
				body: { modificationAmount },
				idempotencyKey
			}),
		cancelPayment: (reference: string, idempotencyKey: string): Promise<ModificationResponse> =>
			call('cancel', 'POST', `${paymentPath(reference)}/cancel`, modificationResponse, {
				body: {},
				idempotencyKey
			}),
		refundPayment: (
			reference: string,
			modificationAmount: Amount,
			idempotencyKey: string
		): Promise<ModificationResponse> =>
			call('refund', 'POST', `${paymentPath(reference)}/refund`, modificationResponse, {
				body: { modificationAmount },
				idempotencyKey
			}),
		createAgreement: (request: DraftAgreementRequest, idempotencyKey: string) =>
			call('create agreement', 'POST', '/recurring/v3/agreements', draftAgreementResponse, {
				body: request,
				idempotencyKey
			}),
		getAgreement: (agreementId: string): Promise<Agreement> =>
			call('get agreement', 'GET', agreementPath(agreementId), agreement),
		stopAgreement: (agreementId: string, idempotencyKey: string) =>
			call('stop agreement', 'PATCH', agreementPath(agreementId), null, {
				body: { status: 'STOPPED' },
				idempotencyKey
			}),
		suggestMaxAmount: (agreementId: string, suggestedMaxAmount: number, idempotencyKey: string) =>
			call('update agreement', 'PATCH', agreementPath(agreementId), null, {
				body: { pricing: { suggestedMaxAmount } },
				idempotencyKey
			}),
		createCharge: (agreementId: string, request: CreateChargeRequest, idempotencyKey: string) =>
			call(
				'create charge',
				'POST',
				`${agreementPath(agreementId)}/charges`,
				charge.pick({}).extend({ chargeId: charge.shape.id }),
				{ body: request, idempotencyKey }
			),
		getCharge: (agreementId: string, chargeId: string): Promise<Charge> =>
			call(
				'get charge',
				'GET',
				`${agreementPath(agreementId)}/charges/${encodeURIComponent(chargeId)}`,
				charge
			),
		refundCharge: (
			agreementId: string,
			chargeId: string,
			request: { amount: number; description: string },
			idempotencyKey: string
		) =>
			call(
				'refund charge',
				'POST',
				`${agreementPath(agreementId)}/charges/${encodeURIComponent(chargeId)}/refund`,
				null,
				{ body: request, idempotencyKey }
			),
		listCharges: (agreementId: string): Promise<Charge[]> =>
			call('list charges', 'GET', `${agreementPath(agreementId)}/charges`, charge.array()),
		listWebhooks: async (): Promise<WebhookRegistration[]> =>
			(await call('list webhooks', 'GET', '/webhooks/v1/webhooks', webhookList)).webhooks,
		registerWebhook: (url: string, events: string[]) =>
			call('register webhook', 'POST', '/webhooks/v1/webhooks', registeredWebhook, {
				body: { url, events }
			}),
		deleteWebhook: (id: string) =>
			call('delete webhook', 'DELETE', `/webhooks/v1/webhooks/${encodeURIComponent(id)}`, null)
	};
}

async function detail(response: Response): Promise<string> {
	const text = await response.text().catch(() => '');
	return text.slice(0, 500) || response.statusText;
}

let client: VippsClient | undefined;

/** The process's one client, from the environment; null when Vipps is not configured. */
export function getVipps(): VippsClient | null {
	if (client) return client;
	const settings = vippsSettings();
	if (!settings) return null;
	client = createVippsClient(settings);
	return client;
}
