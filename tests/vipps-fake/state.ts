import { randomBytes, randomInt, randomUUID } from 'node:crypto';

// What the fake keeps in memory: payments as the ePayment API describes them, registered
// webhooks, issued tokens and the answers to requests made with an idempotency key.

export interface Amount {
	currency: string;
	value: number;
}

export type PaymentState = 'CREATED' | 'ABORTED' | 'EXPIRED' | 'AUTHORIZED' | 'TERMINATED';

export interface FakePayment {
	reference: string;
	pspReference: string;
	state: PaymentState;
	amount: Amount;
	aggregate: {
		authorizedAmount: Amount;
		cancelledAmount: Amount;
		capturedAmount: Amount;
		refundedAmount: Amount;
	};
	paymentMethod: { type: 'WALLET' };
	profile: Record<string, never>;
	metadata: Record<string, string> | null;
	returnUrl: string;
	paymentDescription: string;
	/** The token in the landing page's address. */
	token: string;
	phoneNumber: string | null;
	createdAt: Date;
}

export interface WebhookEvent {
	msn: string;
	reference: string;
	pspReference: string;
	name: string;
	amount: Amount;
	timestamp: string;
	idempotencyKey: string | null;
	success: boolean;
}

export interface StoredEvent {
	/** The Webhooks API's event type, e.g. `epayments.payment.authorized.v1`. */
	type: string;
	body: WebhookEvent;
}

export interface Webhook {
	id: string;
	url: string;
	events: string[];
	secret: string;
}

export interface Delivery {
	webhookId: string;
	type: string;
	reference: string;
	/** HTTP status of the app's answer; 0 when it did not answer. */
	status: number;
}

export function createState(msn: string) {
	return {
		msn,
		tokens: new Set<string>(),
		tokensIssued: 0,
		payments: new Map<string, FakePayment>(),
		webhooks: new Map<string, Webhook>(),
		events: [] as StoredEvent[],
		deliveries: [] as Delivery[],
		idempotent: new Map<string, { status: number; body: unknown }>()
	};
}
export type FakeState = ReturnType<typeof createState>;

export const zero = (currency: string): Amount => ({ currency, value: 0 });
export const newToken = () => randomBytes(24).toString('base64url');
export const newPspReference = () => String(randomInt(10 ** 9, 10 ** 10 - 1)) + randomInt(10 ** 8);
export const newWebhookId = () => randomUUID();
export const newWebhookSecret = () => randomBytes(48).toString('base64');
