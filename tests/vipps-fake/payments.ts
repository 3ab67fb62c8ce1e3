import {
	newPspReference,
	newToken,
	zero,
	type Amount,
	type FakePayment,
	type FakeState
} from './state.ts';

// The ePayment API's payment life: CREATED until the supporter acts in the "app", then
// AUTHORIZED, ABORTED or EXPIRED; captures, cancels and refunds move the aggregate amounts.
// Every change is an event, as the Webhooks API reports them.

export class Problem extends Error {
	readonly status: number;
	readonly title: string;
	readonly detail: string;

	constructor(status: number, title: string, detail: string) {
		super(detail);
		this.status = status;
		this.title = title;
		this.detail = detail;
	}

	toJSON() {
		return {
			type: `https://developer.vippsmobilepay.com/docs/knowledge-base/errors#${this.status}`,
			title: this.title,
			status: this.status,
			detail: this.detail,
			traceId: crypto.randomUUID()
		};
	}
}

const badRequest = (detail: string) => new Problem(400, 'Bad Request', detail);
export const notFound = (reference: string) =>
	new Problem(404, 'Not Found', `Payment ${reference} not found`);

export interface CreatePaymentBody {
	amount?: Amount;
	paymentMethod?: { type?: string };
	reference?: string;
	userFlow?: string;
	returnUrl?: string;
	paymentDescription?: string;
	customer?: { phoneNumber?: string };
	metadata?: Record<string, string> | null;
}

export type EmitEvent = (
	payment: FakePayment,
	name: string,
	amount: Amount,
	key: string | null
) => void;

function validAmount(amount: unknown): amount is Amount {
	const a = amount as Amount;
	return (
		typeof a === 'object' &&
		a !== null &&
		['NOK', 'DKK', 'EUR'].includes(a.currency) &&
		Number.isInteger(a.value) &&
		a.value >= 100 &&
		a.value <= 65_000_000
	);
}

export function createPayment(
	state: FakeState,
	body: CreatePaymentBody,
	baseUrl: string,
	emit: EmitEvent,
	idempotencyKey: string
): { redirectUrl: string; reference: string } {
	if (!validAmount(body.amount))
		throw badRequest('amount must be 1.00 or more, in NOK, DKK or EUR');
	if (body.paymentMethod?.type !== 'WALLET' && body.paymentMethod?.type !== 'CARD')
		throw badRequest('paymentMethod.type must be WALLET or CARD');
	if (!body.reference || !/^[a-zA-Z0-9-]{8,50}$/.test(body.reference))
		throw badRequest('reference must match ^[a-zA-Z0-9-]{8,50}$');
	if (!['WEB_REDIRECT', 'NATIVE_REDIRECT', 'PUSH_MESSAGE', 'QR'].includes(body.userFlow ?? ''))
		throw badRequest('userFlow is required');
	if (body.userFlow === 'WEB_REDIRECT' && !body.returnUrl)
		throw badRequest('returnUrl is required for WEB_REDIRECT');
	const description = body.paymentDescription ?? '';
	if (description && (description.length < 3 || description.length > 100))
		throw badRequest('paymentDescription must be 3 to 100 characters');
	if (body.metadata && Object.keys(body.metadata).length > 5)
		throw badRequest('metadata holds at most 5 keys');
	if (state.payments.has(body.reference))
		throw new Problem(409, 'Conflict', `Payment ${body.reference} already exists`);
	const currency = body.amount.currency;
	const payment: FakePayment = {
		reference: body.reference,
		pspReference: newPspReference(),
		state: 'CREATED',
		amount: { ...body.amount },
		aggregate: {
			authorizedAmount: zero(currency),
			cancelledAmount: zero(currency),
			capturedAmount: zero(currency),
			refundedAmount: zero(currency)
		},
		paymentMethod: { type: 'WALLET' },
		profile: {},
		metadata: body.metadata ?? null,
		returnUrl: body.returnUrl ?? '',
		paymentDescription: description,
		token: newToken(),
		phoneNumber: body.customer?.phoneNumber ?? null,
		createdAt: new Date()
	};
	state.payments.set(payment.reference, payment);
	emit(payment, 'CREATED', payment.amount, idempotencyKey);
	return { redirectUrl: `${baseUrl}/landing?token=${payment.token}`, reference: payment.reference };
}

export function findPayment(state: FakeState, reference: string): FakePayment {
	const payment = state.payments.get(reference);
	if (!payment) throw notFound(reference);
	return payment;
}

/** What the supporter does in the app (or what the test environment's force-approve does). */
export function actInApp(
	payment: FakePayment,
	action: 'approve' | 'reject' | 'expire',
	emit: EmitEvent,
	phoneNumber?: string
): void {
	if (payment.state !== 'CREATED')
		throw new Problem(409, 'Conflict', `Payment is ${payment.state}, not CREATED`);
	if (phoneNumber) payment.phoneNumber = phoneNumber;
	if (action === 'approve') {
		payment.state = 'AUTHORIZED';
		payment.aggregate.authorizedAmount = { ...payment.amount };
		emit(payment, 'AUTHORIZED', payment.amount, null);
	} else if (action === 'reject') {
		payment.state = 'ABORTED';
		emit(payment, 'ABORTED', payment.amount, null);
	} else {
		payment.state = 'EXPIRED';
		emit(payment, 'EXPIRED', payment.amount, null);
	}
}

function checkAmount(payment: FakePayment, amount: unknown): Amount {
	const a = amount as Amount;
	if (
		typeof a !== 'object' ||
		a === null ||
		a.currency !== payment.amount.currency ||
		!Number.isInteger(a.value) ||
		a.value <= 0
	)
		throw badRequest('modificationAmount must be a positive amount in the payment’s currency');
	return { currency: a.currency, value: a.value };
}

export function capture(payment: FakePayment, amount: unknown, emit: EmitEvent, key: string) {
	const modification = checkAmount(payment, amount);
	const { authorizedAmount, cancelledAmount, capturedAmount } = payment.aggregate;
	if (payment.state !== 'AUTHORIZED')
		throw badRequest(`Payment is ${payment.state}: only an authorized payment can be captured`);
	if (capturedAmount.value + modification.value > authorizedAmount.value - cancelledAmount.value)
		throw badRequest('Capture amount exceeds the authorized amount left');
	capturedAmount.value += modification.value;
	emit(payment, 'CAPTURED', modification, key);
}

export function cancel(payment: FakePayment, emit: EmitEvent, key: string) {
	const { authorizedAmount, capturedAmount, cancelledAmount } = payment.aggregate;
	if (payment.state === 'CREATED') {
		payment.state = 'TERMINATED';
		emit(payment, 'TERMINATED', payment.amount, key);
		return;
	}
	if (payment.state !== 'AUTHORIZED') throw badRequest(`Payment is ${payment.state}`);
	if (capturedAmount.value > 0) throw badRequest('A captured payment is refunded, not cancelled');
	cancelledAmount.value = authorizedAmount.value;
	payment.state = 'TERMINATED';
	emit(payment, 'CANCELLED', { ...cancelledAmount }, key);
}

export function refund(payment: FakePayment, amount: unknown, emit: EmitEvent, key: string) {
	const modification = checkAmount(payment, amount);
	const { capturedAmount, refundedAmount } = payment.aggregate;
	if (refundedAmount.value + modification.value > capturedAmount.value)
		throw badRequest('Refund amount exceeds the captured amount');
	refundedAmount.value += modification.value;
	emit(payment, 'REFUNDED', modification, key);
}

export function paymentView(payment: FakePayment) {
	const { reference, pspReference, state, amount, aggregate, paymentMethod, profile, metadata } =
		payment;
	return structuredClone({
		reference,
		pspReference,
		state,
		amount,
		aggregate,
		paymentMethod,
		profile,
		metadata,
		redirectUrl: undefined
	});
}

export function modificationView(payment: FakePayment) {
	const { reference, pspReference, state, amount, aggregate } = paymentView(payment);
	return { reference, pspReference, state, amount, aggregate };
}
