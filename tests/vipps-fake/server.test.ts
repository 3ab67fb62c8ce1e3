import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createVippsClient, VippsApiError } from '../../src/lib/server/vipps/client.ts';
import { verifyVippsDelivery } from '../../src/lib/server/vipps/verify.ts';
import { fakeCredentials, startVippsFake, type VippsFake } from './server.ts';
import { signedHeaders } from './signing.ts';

// The fake speaks Vipps's documented API shapes, and the app's client and signature check
// agree with it.

interface Received {
	path: string;
	headers: IncomingMessage['headers'];
	body: string;
}

let fake: VippsFake;
let receiver: ReturnType<typeof createServer>;
let receiverUrl: string;
const received: Received[] = [];

const settings = () => ({ ...fakeCredentials, apiUrl: fake.url });

beforeAll(async () => {
	receiver = createServer(async (req, res) => {
		const chunks: Buffer[] = [];
		for await (const chunk of req) chunks.push(chunk as Buffer);
		received.push({
			path: req.url ?? '',
			headers: req.headers,
			body: Buffer.concat(chunks).toString()
		});
		res.writeHead(200).end('ok');
	});
	await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
	receiverUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/webhooks/vipps`;
	fake = await startVippsFake();
});

afterAll(async () => {
	await fake?.close();
	receiver?.closeAllConnections();
	await new Promise((resolve) => receiver?.close(resolve));
});

function newReference() {
	return `komak-${crypto.randomUUID()}`;
}

async function createNokPayment(vipps: ReturnType<typeof createVippsClient>, value = 20000) {
	const reference = newReference();
	const created = await vipps.createPayment(
		{
			amount: { currency: 'NOK', value },
			paymentMethod: { type: 'WALLET' },
			reference,
			userFlow: 'WEB_REDIRECT',
			returnUrl: `http://localhost:3000/thank-you?vipps=${reference}`,
			paymentDescription: 'Gift to Dawat Media Center'
		},
		`create-${reference}`
	);
	return { reference, created };
}

describe('the Vipps fake', () => {
	it('signs webhook deliveries the way Vipps documents', () => {
		const body = JSON.stringify({
			'some-unique-content': 'ee6e441b-cc4a-46f8-895d-a5af79bcc233/hello-world'
		});
		const headers = signedHeaders(
			'https://webhook.site/e2cee29b-012e-4f1d-8ef4-e95fd74a7a63',
			'A0+AeKBRG2KRGvnNwJpQlb6IJFk48CKXCIcrLoHncVJKDILsQSxS6NWCccwWm6r6FhGKhiHTBsG2wo/xU6FY/A==',
			body,
			new Date('Thu, 30 Mar 2023 08:38:32 GMT')
		);
		expect(headers['x-ms-content-sha256']).toBe('lNlsp1XA03N34HrQsVzPgJKtC+r7l/RBF4V3JQUWMj4=');
		expect(headers.authorization).toBe(
			'HMAC-SHA256 SignedHeaders=x-ms-date;host;x-ms-content-sha256&Signature=agAiSyogQbDHpeucoNwYz+yAr5nJ+v+zasdkSbqzv+U='
		);
	});

	it('issues an access token once for many calls, and refuses a wrong client secret', async () => {
		const before = fake.tokensIssued;
		const vipps = createVippsClient(settings());
		await Promise.all([vipps.listWebhooks(), vipps.listWebhooks(), vipps.accessToken()]);
		await vipps.listWebhooks();
		expect(fake.tokensIssued - before).toBe(1);

		const wrong = createVippsClient({ ...settings(), clientSecret: 'not-it' });
		await expect(wrong.listWebhooks()).rejects.toBeInstanceOf(VippsApiError);
	});

	it('renews the token shortly before it expires', async () => {
		let clock = Date.now();
		const vipps = createVippsClient(settings(), { now: () => clock });
		const first = await vipps.accessToken();
		clock += 50 * 60_000;
		expect(await vipps.accessToken()).toBe(first);
		clock += 6 * 60_000; // 56 minutes of an hour's token: within five minutes of its end
		expect(await vipps.accessToken()).not.toBe(first);
	});

	it('takes a payment through the landing page and sends signed webhooks', async () => {
		const vipps = createVippsClient(settings());
		const hook = await vipps.registerWebhook(receiverUrl, [
			'epayments.payment.authorized.v1',
			'epayments.payment.captured.v1'
		]);
		try {
			expect((await vipps.listWebhooks()).map((w) => w.url)).toContain(receiverUrl);
			const { reference, created } = await createNokPayment(vipps);
			expect((await vipps.getPayment(reference)).state).toBe('CREATED');

			const landing = await fetch(created.redirectUrl);
			const html = await landing.text();
			expect(html).toContain('200,00');
			expect(html).toContain('Approve');

			const token = new URL(created.redirectUrl).searchParams.get('token')!;
			const approved = await fetch(`${fake.url}/landing`, {
				method: 'POST',
				body: new URLSearchParams({ token, phoneNumber: '4791234567', action: 'approve' }),
				redirect: 'manual'
			});
			expect(approved.status).toBe(303);
			expect(approved.headers.get('location')).toContain(`vipps=${reference}`);
			expect((await vipps.getPayment(reference)).state).toBe('AUTHORIZED');

			const amount = { currency: 'NOK', value: 20000 };
			await vipps.capturePayment(reference, amount, `capture-${reference}`);
			await vipps.capturePayment(reference, amount, `capture-${reference}`); // a retry
			const payment = await vipps.getPayment(reference);
			expect(payment.aggregate.capturedAmount.value).toBe(20000);
			await expect(
				vipps.capturePayment(reference, amount, `another-${reference}`)
			).rejects.toMatchObject({ status: 400 });
			await fake.flushWebhooks();

			const mine = received.filter((r) => r.body.includes(reference));
			expect(mine.map((r) => JSON.parse(r.body).name)).toEqual(['AUTHORIZED', 'CAPTURED']);
			for (const delivery of mine) {
				const verified = verifyVippsDelivery(
					delivery.body,
					{
						date: String(delivery.headers['x-ms-date']),
						contentSha256: String(delivery.headers['x-ms-content-sha256']),
						authorization: String(delivery.headers.authorization)
					},
					[{ url: receiverUrl, secret: hook.secret }]
				);
				expect(verified.ok).toBe(true);
			}
		} finally {
			await vipps.deleteWebhook(hook.id);
		}
		expect(await vipps.listWebhooks()).toEqual([]);
	});

	it('records a rejection and an expiry as final states that cannot be captured', async () => {
		const vipps = createVippsClient(settings());
		const rejected = await createNokPayment(vipps);
		await fake.reject(rejected.reference);
		expect((await vipps.getPayment(rejected.reference)).state).toBe('ABORTED');
		await expect(
			vipps.capturePayment(rejected.reference, { currency: 'NOK', value: 20000 }, 'k-1')
		).rejects.toMatchObject({ status: 400 });

		const expired = await createNokPayment(vipps);
		await fake.expire(expired.reference);
		expect((await vipps.getPayment(expired.reference)).state).toBe('EXPIRED');
	});

	it('refunds no more than was captured', async () => {
		const vipps = createVippsClient(settings());
		const { reference } = await createNokPayment(vipps, 15000);
		await fake.approve(reference);
		await vipps.capturePayment(reference, { currency: 'NOK', value: 15000 }, `c-${reference}`);
		await vipps.refundPayment(reference, { currency: 'NOK', value: 5000 }, `r1-${reference}`);
		await expect(
			vipps.refundPayment(reference, { currency: 'NOK', value: 15000 }, `r2-${reference}`)
		).rejects.toMatchObject({ status: 400 });
		expect((await vipps.getPayment(reference)).aggregate.refundedAmount.value).toBe(5000);
	});
});
