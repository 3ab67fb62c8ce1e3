import { randomBytes, randomUUID } from 'node:crypto';
import { Problem } from './payments.ts';
import { newToken } from './state.ts';

// The Recurring API v3 of the fake: draft agreements the supporter approves or rejects on the
// landing page (with an initial charge taken at once), charges the merchant creates ahead of a
// due date, which come due only when the test says (`processCharges`), with retry days, and
// stopping an agreement, which cancels what is still pending. Each change is a webhook event.

export type AgreementStatus = 'PENDING' | 'ACTIVE' | 'STOPPED' | 'EXPIRED';
export type ChargeStatus =
	'PENDING' | 'DUE' | 'CHARGED' | 'FAILED' | 'CANCELLED' | 'PARTIALLY_REFUNDED' | 'REFUNDED';

export interface FakeAgreement {
	id: string;
	uuid: string;
	status: AgreementStatus;
	pricing: {
		type: 'LEGACY' | 'VARIABLE';
		currency: string;
		amount?: number;
		suggestedMaxAmount?: number;
		maxAmount?: number;
	};
	interval: { unit: string; count: number };
	productName: string;
	productDescription?: string;
	merchantRedirectUrl: string;
	merchantAgreementUrl: string;
	externalId?: string;
	created: string;
	start: string | null;
	stop: string | null;
	token: string;
	initialChargeId: string | null;
}

export interface FakeCharge {
	id: string;
	agreementId: string;
	amount: number;
	currency: string;
	description: string;
	due: string;
	retryDays: number;
	status: ChargeStatus;
	type: 'INITIAL' | 'RECURRING';
	transactionType: 'DIRECT_CAPTURE' | 'RESERVE_CAPTURE';
	transactionId: string | null;
	failureReason: string | null;
	externalId: string;
	summary: { captured: number; refunded: number; cancelled: number };
	history: {
		occurred: string;
		event: string;
		amount: number;
		idempotencyKey: string;
		success: boolean;
	}[];
}

/** The body of a Recurring webhook event. */
export interface RecurringWebhookEvent {
	msn: string;
	eventType: string;
	occurred: string;
	agreementId: string;
	agreementExternalId: string | null;
	chargeId?: string;
	chargeExternalId?: string;
	chargeType?: string;
	amount?: number;
	currency?: string;
	failureReason?: string | null;
	failureDescription?: string | null;
}

export type EmitRecurring = (
	type: string,
	body: Omit<RecurringWebhookEvent, 'msn' | 'eventType' | 'occurred'>
) => void;

const badRequest = (detail: string) => new Problem(400, 'Bad Request', detail);
const today = () => new Date().toISOString().slice(0, 10);
const addDays = (date: string, days: number) =>
	new Date(Date.parse(`${date}T00:00:00Z`) + days * 86_400_000).toISOString().slice(0, 10);
const newAgreementId = () => `agr_${randomBytes(6).toString('base64url')}`;
const newChargeId = () => `chr_${randomBytes(6).toString('base64url')}`;

export function createRecurringState() {
	return {
		agreements: new Map<string, FakeAgreement>(),
		charges: new Map<string, FakeCharge>()
	};
}
export type RecurringState = ReturnType<typeof createRecurringState>;

interface DraftAgreementBody {
	pricing?: { type?: string; currency?: string; amount?: number; suggestedMaxAmount?: number };
	interval?: { unit?: string; count?: number };
	initialCharge?: {
		amount?: number;
		description?: string;
		transactionType?: string;
		orderId?: string;
	};
	merchantRedirectUrl?: string;
	merchantAgreementUrl?: string;
	productName?: string;
	productDescription?: string;
	externalId?: string;
	phoneNumber?: string;
}

const isHttpsOrLocal = (url: unknown) =>
	typeof url === 'string' &&
	URL.canParse(url) &&
	/^(https:|http:\/\/(localhost|127\.0\.0\.1))/.test(url);

export function draftAgreement(state: RecurringState, body: DraftAgreementBody, baseUrl: string) {
	const pricing = body.pricing ?? {};
	const type = pricing.type ?? 'LEGACY';
	if (type !== 'LEGACY' && type !== 'VARIABLE')
		throw badRequest('pricing.type must be LEGACY or VARIABLE');
	if (!['NOK', 'DKK', 'EUR'].includes(pricing.currency ?? ''))
		throw badRequest('pricing.currency is required');
	if (
		type === 'VARIABLE' &&
		!(
			Number.isInteger(pricing.suggestedMaxAmount) &&
			pricing.suggestedMaxAmount! > 0 &&
			pricing.suggestedMaxAmount! <= 2_000_000
		)
	)
		throw badRequest(
			'pricing.suggestedMaxAmount is required for VARIABLE pricing (at most 2000000)'
		);
	if (type === 'LEGACY' && !(Number.isInteger(pricing.amount) && pricing.amount! > 0))
		throw badRequest('pricing.amount is required for LEGACY pricing');
	if (!isHttpsOrLocal(body.merchantRedirectUrl))
		throw badRequest('merchantRedirectUrl must be https');
	if (!isHttpsOrLocal(body.merchantAgreementUrl))
		throw badRequest('merchantAgreementUrl is required for Norwegian merchants (https)');
	if (!body.productName) throw badRequest('productName is required');
	const interval = { unit: body.interval?.unit ?? 'MONTH', count: body.interval?.count ?? 1 };
	if (!['YEAR', 'MONTH', 'WEEK', 'DAY'].includes(interval.unit))
		throw badRequest('interval.unit is not known');
	const agreement: FakeAgreement = {
		id: newAgreementId(),
		uuid: randomUUID(),
		status: 'PENDING',
		pricing: {
			type,
			currency: pricing.currency!,
			...(type === 'LEGACY'
				? { amount: pricing.amount }
				: { suggestedMaxAmount: pricing.suggestedMaxAmount })
		},
		interval,
		productName: body.productName,
		productDescription: body.productDescription,
		merchantRedirectUrl: body.merchantRedirectUrl as string,
		merchantAgreementUrl: body.merchantAgreementUrl as string,
		externalId: body.externalId,
		created: new Date().toISOString(),
		start: null,
		stop: null,
		token: newToken(),
		initialChargeId: null
	};
	if (body.initialCharge) {
		const { amount, description, transactionType, orderId } = body.initialCharge;
		if (!Number.isInteger(amount) || amount! <= 0)
			throw badRequest('initialCharge.amount must be positive');
		if (!description) throw badRequest('initialCharge.description is required');
		if (orderId && state.charges.has(orderId))
			throw new Problem(409, 'Conflict', 'orderId is already used');
		const charge = newCharge(agreement, {
			id: orderId || newChargeId(),
			amount: amount!,
			description,
			due: today(),
			retryDays: 0,
			type: 'INITIAL',
			transactionType: transactionType === 'RESERVE_CAPTURE' ? 'RESERVE_CAPTURE' : 'DIRECT_CAPTURE',
			key: ''
		});
		state.charges.set(charge.id, charge);
		agreement.initialChargeId = charge.id;
	}
	state.agreements.set(agreement.id, agreement);
	return {
		agreementId: agreement.id,
		uuid: agreement.uuid,
		vippsConfirmationUrl: `${baseUrl}/landing?token=${agreement.token}`,
		chargeId: agreement.initialChargeId
	};
}

function newCharge(
	agreement: FakeAgreement,
	fields: Pick<
		FakeCharge,
		'id' | 'amount' | 'description' | 'due' | 'retryDays' | 'type' | 'transactionType'
	> & {
		key: string;
		externalId?: string;
	}
): FakeCharge {
	const { key, externalId, ...rest } = fields;
	return {
		...rest,
		agreementId: agreement.id,
		currency: agreement.pricing.currency,
		status: 'PENDING',
		transactionId: null,
		failureReason: null,
		externalId: externalId ?? rest.id,
		summary: { captured: 0, refunded: 0, cancelled: 0 },
		history: [
			{
				occurred: new Date().toISOString(),
				event: 'CREATE',
				amount: rest.amount,
				idempotencyKey: key,
				success: true
			}
		]
	};
}

export function findAgreement(state: RecurringState, id: string): FakeAgreement {
	const agreement = state.agreements.get(id);
	if (!agreement) throw new Problem(404, 'Not Found', `Agreement ${id} not found`);
	return agreement;
}

export function findCharge(
	state: RecurringState,
	agreementId: string,
	chargeId: string
): FakeCharge {
	const charge = state.charges.get(chargeId);
	if (!charge || charge.agreementId !== agreementId)
		throw new Problem(404, 'Not Found', `Charge ${chargeId} not found`);
	return charge;
}

const chargeEvent = (charge: FakeCharge, agreement: FakeAgreement) => ({
	agreementId: agreement.id,
	agreementExternalId: agreement.externalId ?? null,
	chargeId: charge.id,
	chargeExternalId: charge.externalId,
	chargeType: charge.type,
	amount: charge.amount,
	currency: charge.currency,
	failureReason: charge.failureReason,
	failureDescription: charge.failureReason ? 'The charge failed' : null
});

function capture(charge: FakeCharge, agreement: FakeAgreement, emit: EmitRecurring) {
	charge.status = 'CHARGED';
	charge.transactionId = String(5_000_000_000 + Math.floor(Math.random() * 1e9));
	charge.summary.captured = charge.amount;
	charge.history.push({
		occurred: new Date().toISOString(),
		event: 'CAPTURE',
		amount: charge.amount,
		idempotencyKey: '',
		success: true
	});
	emit('recurring.charge-captured.v1', chargeEvent(charge, agreement));
}

/** What the supporter does with the agreement in the app. */
export function actOnAgreement(
	state: RecurringState,
	agreement: FakeAgreement,
	action: 'approve' | 'reject',
	emit: EmitRecurring,
	maxAmount?: number,
	at = new Date()
) {
	if (agreement.status !== 'PENDING')
		throw new Problem(409, 'Conflict', `Agreement is ${agreement.status}`);
	const base = { agreementId: agreement.id, agreementExternalId: agreement.externalId ?? null };
	if (action === 'reject') {
		agreement.status = 'STOPPED';
		agreement.stop = at.toISOString();
		const initial = agreement.initialChargeId && state.charges.get(agreement.initialChargeId);
		if (initial) initial.status = 'CANCELLED';
		emit('recurring.agreement-rejected.v1', base);
		return;
	}
	agreement.status = 'ACTIVE';
	agreement.start = at.toISOString();
	if (agreement.pricing.type === 'VARIABLE')
		agreement.pricing.maxAmount = maxAmount ?? agreement.pricing.suggestedMaxAmount;
	emit('recurring.agreement-activated.v1', base);
	const initial = agreement.initialChargeId
		? state.charges.get(agreement.initialChargeId)
		: undefined;
	if (initial) capture(initial, agreement, emit);
}

export function stopAgreement(
	state: RecurringState,
	agreement: FakeAgreement,
	emit: EmitRecurring,
	at = new Date()
) {
	if (agreement.status === 'STOPPED') return;
	if (agreement.status !== 'ACTIVE' && agreement.status !== 'PENDING')
		throw badRequest(`Agreement is ${agreement.status}`);
	agreement.status = 'STOPPED';
	agreement.stop = at.toISOString();
	emit('recurring.agreement-stopped.v1', {
		agreementId: agreement.id,
		agreementExternalId: agreement.externalId ?? null
	});
	for (const charge of state.charges.values()) {
		if (charge.agreementId !== agreement.id || !['PENDING', 'DUE'].includes(charge.status))
			continue;
		charge.status = 'CANCELLED';
		charge.summary.cancelled = charge.amount;
		emit('recurring.charge-canceled.v1', chargeEvent(charge, agreement));
	}
}

interface CreateChargeBody {
	amount?: number;
	transactionType?: string;
	type?: string;
	description?: string;
	due?: string;
	retryDays?: number;
	orderId?: string;
	externalId?: string;
}

export function createCharge(
	state: RecurringState,
	agreement: FakeAgreement,
	body: CreateChargeBody,
	key: string,
	now = today()
) {
	if (agreement.status !== 'ACTIVE')
		throw badRequest(`Agreement is ${agreement.status}, not ACTIVE`);
	if (!Number.isInteger(body.amount) || body.amount! <= 0)
		throw badRequest('amount must be positive');
	if (!body.description) throw badRequest('description is required');
	if ((body.type ?? 'RECURRING') !== 'RECURRING')
		throw badRequest('only RECURRING charges in this fake');
	if (!body.due || !/^\d{4}-\d{2}-\d{2}$/.test(body.due))
		throw badRequest('due must be YYYY-MM-DD');
	// As in the test environment: at least one day ahead.
	if (body.due < addDays(now, 1)) throw badRequest('due must be at least one day in the future');
	const retryDays = body.retryDays ?? 0;
	if (!Number.isInteger(retryDays) || retryDays < 0 || retryDays > 14)
		throw badRequest('retryDays must be 0 to 14');
	if (body.orderId && state.charges.has(body.orderId))
		throw new Problem(409, 'Conflict', 'orderId is already used');
	const charge = newCharge(agreement, {
		id: body.orderId || newChargeId(),
		amount: body.amount!,
		description: body.description,
		due: body.due,
		retryDays,
		type: 'RECURRING',
		transactionType:
			body.transactionType === 'RESERVE_CAPTURE' ? 'RESERVE_CAPTURE' : 'DIRECT_CAPTURE',
		key,
		externalId: body.externalId
	});
	state.charges.set(charge.id, charge);
	return { chargeId: charge.id };
}

export function cancelCharge(state: RecurringState, charge: FakeCharge, emit: EmitRecurring) {
	if (!['PENDING', 'DUE'].includes(charge.status)) throw badRequest(`Charge is ${charge.status}`);
	charge.status = 'CANCELLED';
	charge.summary.cancelled = charge.amount;
	emit(
		'recurring.charge-canceled.v1',
		chargeEvent(charge, state.agreements.get(charge.agreementId)!)
	);
}

/** Recurring API v3 "Refund a charge": part or all of what was captured, once per key. */
export function refundCharge(charge: FakeCharge, body: Record<string, unknown>, key: string) {
	const amount = body.amount;
	if (!Number.isInteger(amount) || (amount as number) <= 0) throw badRequest('amount is required');
	if (typeof body.description !== 'string' || !body.description)
		throw badRequest('description is required');
	if (!['CHARGED', 'PARTIALLY_REFUNDED'].includes(charge.status))
		throw badRequest(`Charge is ${charge.status}`);
	if (charge.summary.refunded + (amount as number) > charge.summary.captured)
		throw badRequest('The refund is more than what is left of the charge');
	charge.summary.refunded += amount as number;
	charge.status =
		charge.summary.refunded >= charge.summary.captured ? 'REFUNDED' : 'PARTIALLY_REFUNDED';
	charge.history.push({
		occurred: new Date().toISOString(),
		event: 'REFUND',
		amount: amount as number,
		idempotencyKey: key,
		success: true
	});
}

export type ChargeOutcome = 'charged' | 'declined';

/**
 * The day `onDate` at Vipps: every pending charge due by then on an active agreement is tried;
 * `outcome` says how each attempt goes. A declined charge is tried again each day until its
 * retry days have passed, then fails.
 */
export function processCharges(
	state: RecurringState,
	onDate: string,
	outcome: (charge: FakeCharge) => ChargeOutcome,
	emit: EmitRecurring
): FakeCharge[] {
	const touched: FakeCharge[] = [];
	for (const charge of state.charges.values()) {
		const agreement = state.agreements.get(charge.agreementId)!;
		if (
			!['PENDING', 'DUE'].includes(charge.status) ||
			charge.due > onDate ||
			agreement.status !== 'ACTIVE'
		)
			continue;
		touched.push(charge);
		const maxAmount = agreement.pricing.maxAmount;
		if (maxAmount !== undefined && charge.amount > maxAmount) {
			charge.status = 'FAILED';
			charge.failureReason = 'charge_amount_too_high';
		} else if (outcome(charge) === 'charged') {
			capture(charge, agreement, emit);
			continue;
		} else if (onDate >= addDays(charge.due, charge.retryDays)) {
			charge.status = 'FAILED';
			charge.failureReason = 'user_action_required';
		} else {
			charge.status = 'DUE';
			continue;
		}
		charge.history.push({
			occurred: new Date().toISOString(),
			event: 'FAIL',
			amount: charge.amount,
			idempotencyKey: '',
			success: false
		});
		emit('recurring.charge-failed.v1', chargeEvent(charge, agreement));
	}
	return touched;
}

export function agreementView(agreement: FakeAgreement, baseUrl: string) {
	const { pricing } = agreement;
	return {
		id: agreement.id,
		uuid: agreement.uuid,
		status: agreement.status,
		pricing:
			pricing.type === 'VARIABLE'
				? {
						type: 'VariableAmountPricingResponse',
						currency: pricing.currency,
						suggestedMaxAmount: pricing.suggestedMaxAmount,
						maxAmount: pricing.maxAmount
					}
				: { type: 'LegacyPricingResponse', currency: pricing.currency, amount: pricing.amount },
		interval: { ...agreement.interval, text: `every ${agreement.interval.unit.toLowerCase()}` },
		productName: agreement.productName,
		productDescription: agreement.productDescription,
		created: agreement.created,
		start: agreement.start,
		stop: agreement.stop,
		merchantAgreementUrl: agreement.merchantAgreementUrl,
		merchantRedirectUrl: agreement.merchantRedirectUrl,
		externalId: agreement.externalId,
		countryCode: 'NO',
		vippsConfirmationUrl: `${baseUrl}/landing?token=${agreement.token}`
	};
}

export const chargeView = (charge: FakeCharge) => structuredClone(charge);
