import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createVippsClient } from '../../src/lib/server/vipps/client.ts';
import { fakeCredentials, startVippsFake, type VippsFake } from './server.ts';

// The fake's Recurring API v3: agreements approved on the landing page with an initial charge,
// and charges that come due only when the test says.

let fake: VippsFake;
let call: (
	method: string,
	path: string,
	body?: unknown,
	idempotencyKey?: string
) => Promise<{ status: number; body: unknown }>;

beforeAll(async () => {
	fake = await startVippsFake({ deliverWebhooks: false });
	const vipps = createVippsClient({ ...fakeCredentials, apiUrl: fake.url });
	call = async (method, path, body, idempotencyKey) => {
		const response = await fetch(`${fake.url}${path}`, {
			method,
			headers: {
				Authorization: `Bearer ${await vipps.accessToken()}`,
				'Ocp-Apim-Subscription-Key': fakeCredentials.subscriptionKey,
				'Merchant-Serial-Number': fakeCredentials.merchantSerialNumber,
				'Content-Type': 'application/json',
				...(idempotencyKey && { 'Idempotency-Key': idempotencyKey })
			},
			body: body === undefined ? undefined : JSON.stringify(body)
		});
		const text = await response.text();
		return { status: response.status, body: text ? JSON.parse(text) : null };
	};
});

afterAll(async () => {
	await fake?.close();
});

async function draftMonthly(initialAmount = 15000) {
	const { status, body } = await call(
		'POST',
		'/recurring/v3/agreements',
		{
			pricing: { type: 'VARIABLE', currency: 'NOK', suggestedMaxAmount: 30000 },
			interval: { unit: 'MONTH', count: 1 },
			initialCharge: {
				amount: initialAmount,
				description: 'First month',
				transactionType: 'DIRECT_CAPTURE'
			},
			merchantRedirectUrl: 'http://localhost:3000/thank-you',
			merchantAgreementUrl: 'https://give.example.org/my',
			productName: 'Monthly gift to Dawat Media Center'
		},
		crypto.randomUUID()
	);
	expect(status).toBe(201);
	return body as { agreementId: string; vippsConfirmationUrl: string; chargeId: string };
}

const createCharge = (agreementId: string, due: string, key: string, amount = 15000) =>
	call(
		'POST',
		`/recurring/v3/agreements/${agreementId}/charges`,
		{ amount, transactionType: 'DIRECT_CAPTURE', description: 'Monthly gift', due, retryDays: 3 },
		key
	);

describe('the Vipps fake’s Recurring API', () => {
	it('takes the first month when the supporter approves a variable agreement on the landing page', async () => {
		const draft = await draftMonthly();
		const page = await (await fetch(draft.vippsConfirmationUrl)).text();
		expect(page).toContain('150,00');
		expect(page).toContain('Up to');
		const token = new URL(draft.vippsConfirmationUrl).searchParams.get('token')!;
		const approved = await fetch(`${fake.url}/landing`, {
			method: 'POST',
			body: new URLSearchParams({ token, action: 'approve' }),
			redirect: 'manual'
		});
		expect(approved.headers.get('location')).toBe('http://localhost:3000/thank-you');

		const agreement = await call('GET', `/recurring/v3/agreements/${draft.agreementId}`);
		expect(agreement.body).toMatchObject({
			status: 'ACTIVE',
			pricing: {
				type: 'VariableAmountPricingResponse',
				suggestedMaxAmount: 30000,
				maxAmount: 30000
			},
			merchantAgreementUrl: 'https://give.example.org/my'
		});
		const initial = await call(
			'GET',
			`/recurring/v3/agreements/${draft.agreementId}/charges/${draft.chargeId}`
		);
		expect(initial.body).toMatchObject({ status: 'CHARGED', type: 'INITIAL', amount: 15000 });
		expect(
			fake.recurringEvents
				.filter((e) => e.body.agreementId === draft.agreementId)
				.map((e) => e.type)
		).toEqual(['recurring.agreement-activated.v1', 'recurring.charge-captured.v1']);
	});

	it('charges only when the test says the due date has come, once per idempotency key', async () => {
		fake.setToday('2027-01-10');
		try {
			const { agreementId } = await draftMonthly();
			await fake.approveAgreement(agreementId);
			expect((await createCharge(agreementId, '2027-01-10', 'too-soon')).status).toBe(400);
			const first = await createCharge(agreementId, '2027-02-01', `${agreementId}-2027-02`);
			const again = await createCharge(agreementId, '2027-02-01', `${agreementId}-2027-02`);
			expect(first.status).toBe(201);
			expect(again.body).toEqual(first.body);
			const { chargeId } = first.body as { chargeId: string };
			const list = await call('GET', `/recurring/v3/agreements/${agreementId}/charges`);
			expect((list.body as unknown[]).length).toBe(2); // the initial charge and this one

			expect(await fake.processCharges('2027-01-31')).not.toContainEqual(
				expect.objectContaining({ id: chargeId })
			);
			expect(fake.charges.get(chargeId)!.status).toBe('PENDING');
			await fake.processCharges('2027-02-01');
			expect(fake.charges.get(chargeId)).toMatchObject({
				status: 'CHARGED',
				summary: { captured: 15000 }
			});
		} finally {
			fake.setToday(null);
		}
	});

	it('retries a declined charge for its retry days, then fails it and says so once', async () => {
		fake.setToday('2027-03-01');
		try {
			const { agreementId } = await draftMonthly();
			await fake.approveAgreement(agreementId);
			const { chargeId } = (await createCharge(agreementId, '2027-03-05', `d-${agreementId}`))
				.body as { chargeId: string };
			for (const day of ['2027-03-05', '2027-03-06', '2027-03-07'])
				await fake.processCharges(day, () => 'declined');
			expect(fake.charges.get(chargeId)!.status).toBe('DUE');
			await fake.processCharges('2027-03-08', () => 'declined');
			await fake.processCharges('2027-03-09', () => 'declined');
			expect(fake.charges.get(chargeId)).toMatchObject({
				status: 'FAILED',
				failureReason: 'user_action_required'
			});
			expect(
				fake.recurringEvents.filter(
					(e) => e.body.chargeId === chargeId && e.type === 'recurring.charge-failed.v1'
				)
			).toHaveLength(1);
		} finally {
			fake.setToday(null);
		}
	});

	it('a stopped agreement cancels what is pending and takes no new charges', async () => {
		fake.setToday('2027-04-01');
		try {
			const { agreementId } = await draftMonthly();
			await fake.approveAgreement(agreementId);
			const { chargeId } = (await createCharge(agreementId, '2027-05-01', `s-${agreementId}`))
				.body as { chargeId: string };
			const stopped = await call('PATCH', `/recurring/v3/agreements/${agreementId}`, {
				status: 'STOPPED'
			});
			expect(stopped.status).toBe(204);
			expect(fake.charges.get(chargeId)!.status).toBe('CANCELLED');
			expect((await createCharge(agreementId, '2027-06-01', `s2-${agreementId}`)).status).toBe(400);
			await fake.processCharges('2027-06-01');
			expect(fake.charges.get(chargeId)!.status).toBe('CANCELLED');
		} finally {
			fake.setToday(null);
		}
	});

	it('a rejected agreement takes nothing', async () => {
		const draft = await draftMonthly();
		await fake.rejectAgreement(draft.agreementId);
		expect(fake.agreements.get(draft.agreementId)!.status).toBe('STOPPED');
		expect(fake.charges.get(draft.chargeId)!.status).toBe('CANCELLED');
		expect(
			fake.recurringEvents
				.filter((e) => e.body.agreementId === draft.agreementId)
				.map((e) => e.type)
		).toEqual(['recurring.agreement-rejected.v1']);
	});
});
