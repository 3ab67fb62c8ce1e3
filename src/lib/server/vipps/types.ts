import { z } from 'zod';

// The shapes Komak uses from Vipps MobilePay's published OpenAPI documents (ePayment API 1.4,
// Access Token API, Webhooks API 1), written out by hand for the few operations Komak calls.
// Answers are checked against these at the edge, so the inside can trust them.

const amount = z.object({ currency: z.string().length(3), value: z.number().int().min(0) });
export type Amount = z.infer<typeof amount>;

/** Our reference: what Vipps's ePayment API allows (`^[a-zA-Z0-9-]{8,50}$`). */
export const referencePattern = /^[a-zA-Z0-9-]{8,50}$/;

export const paymentStates = ['CREATED', 'ABORTED', 'EXPIRED', 'AUTHORIZED', 'TERMINATED'] as const;
export type PaymentState = (typeof paymentStates)[number];

export const paymentEventNames = [
	'CREATED',
	'ABORTED',
	'EXPIRED',
	'CANCELLED',
	'CAPTURED',
	'REFUNDED',
	'AUTHORIZED',
	'TERMINATED'
] as const;

export const accessTokenResponse = z.object({
	token_type: z.string(),
	// Seconds, sent as a string.
	expires_in: z.coerce.number().int().positive(),
	access_token: z.string().min(1)
});

export interface CreatePaymentRequest {
	amount: Amount;
	paymentMethod: { type: 'WALLET' };
	reference: string;
	userFlow: 'WEB_REDIRECT';
	returnUrl: string;
	paymentDescription: string;
	customer?: { phoneNumber: string };
	/** At most 5 keys; values up to 500 characters. */
	metadata?: Record<string, string>;
}

export const createPaymentResponse = z.object({
	redirectUrl: z.string().url(),
	reference: z.string()
});

const aggregate = z.object({
	authorizedAmount: amount,
	cancelledAmount: amount,
	capturedAmount: amount,
	refundedAmount: amount
});

export const payment = z.object({
	reference: z.string(),
	pspReference: z.string(),
	state: z.enum(paymentStates),
	amount,
	aggregate,
	paymentMethod: z.object({ type: z.string() }),
	metadata: z.record(z.string(), z.string()).nullish()
});
export type Payment = z.infer<typeof payment>;

export const modificationResponse = payment.pick({
	reference: true,
	pspReference: true,
	state: true,
	amount: true,
	aggregate: true
});
export type ModificationResponse = z.infer<typeof modificationResponse>;

/** The body of an ePayment webhook (`WebhookEvent`). */
export const paymentWebhookEvent = z.object({
	msn: z.string().regex(/^[0-9]{4,6}$/),
	reference: z.string().regex(referencePattern),
	pspReference: z.string().min(1).max(200),
	name: z.enum(paymentEventNames),
	amount,
	timestamp: z.string().datetime({ offset: true }),
	idempotencyKey: z.string().max(200).nullish(),
	success: z.boolean()
});
export type PaymentWebhookEvent = z.infer<typeof paymentWebhookEvent>;

/** The Webhooks API's event types for ePayment, as registered. */
export const paymentWebhookEventTypes = paymentEventNames.map(
	(name) => `epayments.payment.${name.toLowerCase()}.v1`
);

export const registeredWebhook = z.object({ id: z.string(), secret: z.string().min(1) });
export const webhookList = z.object({
	webhooks: z.array(z.object({ id: z.string(), url: z.string(), events: z.array(z.string()) }))
});
export type WebhookRegistration = z.infer<typeof webhookList>['webhooks'][number];

// Recurring API v3.

export interface DraftAgreementRequest {
	pricing: { type: 'VARIABLE'; currency: string; suggestedMaxAmount: number };
	interval: { unit: 'MONTH'; count: 1 };
	initialCharge: { amount: number; description: string; transactionType: 'DIRECT_CAPTURE' };
	merchantRedirectUrl: string;
	merchantAgreementUrl: string;
	productName: string;
	externalId: string;
	countryCode?: 'NO';
}

export const draftAgreementResponse = z.object({
	agreementId: z.string().min(1),
	vippsConfirmationUrl: z.string().url(),
	chargeId: z.string().nullish()
});

export const agreementStatuses = ['PENDING', 'ACTIVE', 'STOPPED', 'EXPIRED'] as const;
export const agreement = z.object({
	id: z.string(),
	status: z.enum(agreementStatuses),
	start: z.string().nullish(),
	stop: z.string().nullish(),
	externalId: z.string().nullish(),
	pricing: z.object({
		currency: z.string().length(3),
		type: z.string().nullish(),
		/** VARIABLE pricing: what Komak suggests, and the most the supporter approved a month. */
		suggestedMaxAmount: z.number().int().nullish(),
		maxAmount: z.number().int().nullish()
	})
});
export type Agreement = z.infer<typeof agreement>;

export const chargeStatuses = [
	'PENDING',
	'DUE',
	'RESERVED',
	'CHARGED',
	'PARTIALLY_CAPTURED',
	'FAILED',
	'CANCELLED',
	'PARTIALLY_REFUNDED',
	'REFUNDED',
	'PROCESSING'
] as const;
export const charge = z.object({
	id: z.string(),
	agreementId: z.string(),
	amount: z.number().int(),
	currency: z.string().length(3),
	due: z.string(),
	status: z.enum(chargeStatuses),
	type: z.string(),
	failureReason: z.string().nullish(),
	summary: z.object({ captured: z.number().int(), refunded: z.number().int() }).optional()
});
export type Charge = z.infer<typeof charge>;

export interface CreateChargeRequest {
	amount: number;
	transactionType: 'DIRECT_CAPTURE';
	type: 'RECURRING';
	description: string;
	/** YYYY-MM-DD, at least two days ahead in production (one in the test environment). */
	due: string;
	retryDays: number;
}

/** The body of a Recurring webhook event. */
export const recurringWebhookEvent = z.object({
	msn: z.string().regex(/^[0-9]{4,6}$/),
	eventType: z.string().regex(/^recurring\.[a-z-]+\.v1$/),
	occurred: z.string().datetime({ offset: true }),
	agreementId: z.string().min(1).max(200),
	chargeId: z.string().min(1).max(200).nullish()
});
export type RecurringWebhookEvent = z.infer<typeof recurringWebhookEvent>;

export const recurringWebhookEventTypes = [
	'recurring.agreement-activated.v1',
	'recurring.agreement-rejected.v1',
	'recurring.agreement-stopped.v1',
	'recurring.agreement-expired.v1',
	'recurring.charge-captured.v1',
	'recurring.charge-canceled.v1',
	'recurring.charge-failed.v1'
];

/** Any webhook body Komak handles: an ePayment event or a Recurring one. */
export const vippsWebhookEvent = z.union([paymentWebhookEvent, recurringWebhookEvent]);
export type VippsWebhookEvent = z.infer<typeof vippsWebhookEvent>;
