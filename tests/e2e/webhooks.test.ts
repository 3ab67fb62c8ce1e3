import { once } from 'node:events';
import type net from 'node:net';
import { expect, test } from '@playwright/test';
import Stripe from 'stripe';
import { canReachPostgres } from './database.ts';
import { submitGift, useCardGivingApp, webhookSecret, type CardGivingApp } from './card-app.ts';
import { query, startApp, startRelay, type AppProcess } from './processes.ts';

// Stripe's webhook as Stripe uses it: over HTTP, signed, repeated, concurrent, and sometimes
// while the database is away.

const isPostgresReachable = await canReachPostgres();
const signer = new Stripe('sk_test_signer');

function sign(
	payload: string,
	{ secret = webhookSecret, timestamp }: { secret?: string; timestamp?: number } = {}
) {
	return signer.webhooks.generateTestHeaderString({ payload, secret, timestamp });
}

async function post(appUrl: string, event: Stripe.Event, header?: string) {
	const payload = JSON.stringify(event);
	const response = await fetch(`${appUrl}/webhooks/stripe`, {
		method: 'POST',
		headers: { 'content-type': 'application/json', 'stripe-signature': header ?? sign(payload) },
		body: payload
	});
	return response.status;
}

/** Starts a gift through the appeal form and returns its checkout session id. */
async function startGift(card: CardGivingApp, fields: Record<string, string>) {
	const result = await submitGift(card, fields);
	expect(result).toMatchObject({ type: 'redirect', location: expect.stringContaining('/pay/cs_') });
	return result.location!.split('/pay/')[1];
}

async function count(card: CardGivingApp, sql: string, values: unknown[] = []) {
	const [row] = await query<{ n: string }>(card.databaseUrl, sql, values);
	return Number(row.n);
}

test.describe('the Stripe webhook', () => {
	test.skip(!isPostgresReachable, 'needs PostgreSQL');
	test.describe.configure({ mode: 'serial' });

	const card = useCardGivingApp('komak_e2e_webhooks');

	test('each event delivered five times has one effect', async () => {
		const firstEvent = card().fake.events.length;
		const oneOff = await startGift(card(), { amount_NOK: '500', email: 'five@example.com' });
		await card().fake.completeCheckout(oneOff);
		const monthly = await startGift(card(), {
			frequency: 'monthly',
			currency: 'EUR',
			amount_EUR: '25',
			email: 'five.monthly@example.com'
		});
		await card().fake.completeCheckout(monthly);
		const subscription = card().fake.objects.checkoutSessions.get(monthly)!.subscription as string;
		await card().fake.payNextInvoice(subscription, { succeed: true });

		const events = card().fake.events.slice(firstEvent);
		expect(events.length).toBeGreaterThan(8);
		for (const event of events) {
			for (let i = 0; i < 4; i++) expect(await card().fake.deliver(event.id)).toBe(200);
		}
		expect(
			await count(
				card(),
				`select count(*) n from contribution c join supporter s on s.id = c.supporter_id where s.email like 'five%'`
			)
		).toBe(3);
		expect(
			await count(card(), `select count(*) n from recurring_plan where external_id = $1`, [
				subscription
			])
		).toBe(1);
		expect(await count(card(), `select count(*) n from supporter where email like 'five%'`)).toBe(
			2
		);
		const ids = events.map((e) => e.id);
		expect(
			await count(
				card(),
				`select count(*) n from stripe_event where id = any($1) and status = 'processed'`,
				[ids]
			)
		).toBe(ids.length);
	});

	test('a bad signature, a stale timestamp or the wrong secret is refused and nothing is stored', async () => {
		const event = { ...card().fake.events.at(-1)!, id: 'evt_forged_0000000000000001' };
		const payload = JSON.stringify(event);
		const stale = Math.floor(Date.now() / 1000) - 10 * 60;
		expect(await post(card().app.url, event, 't=1700000000,v1=' + 'a'.repeat(64))).toBe(400);
		expect(await post(card().app.url, event, sign(payload, { timestamp: stale }))).toBe(400);
		expect(await post(card().app.url, event, sign(payload, { secret: 'whsec_someone_else' }))).toBe(
			400
		);
		expect(await post(card().app.url, event, '')).toBe(400);
		expect(
			await count(card(), `select count(*) n from stripe_event where id = $1`, [event.id])
		).toBe(0);
	});

	test('the same event posted to two instances twenty times at once gives one gift', async () => {
		const second = await startApp({
			DATABASE_URL: card().databaseUrl,
			STRIPE_SECRET_KEY: 'sk_test_komak_e2e',
			STRIPE_API_URL: card().fake.url,
			STRIPE_WEBHOOK_SECRET: webhookSecret
		});
		try {
			card().fake.setWebhookDelivery(false);
			const session = await startGift(card(), { amount_NOK: '1000', email: 'twice@example.com' });
			await card().fake.completeCheckout(session);
			card().fake.setWebhookDelivery(true);
			const completed = card().fake.events.findLast(
				(e) => e.type === 'checkout.session.completed'
			)!;
			const statuses = await Promise.all(
				Array.from({ length: 20 }, (_, i) => post(i % 2 ? second.url : card().app.url, completed))
			);
			expect(statuses).toEqual(Array(20).fill(200));
			expect(
				await count(
					card(),
					`select count(*) n from contribution c join supporter s on s.id = c.supporter_id where s.email = 'twice@example.com'`
				)
			).toBe(1);
		} finally {
			await second.stop();
		}
	});

	test('while the database is away the webhook answers 5xx, and Stripe’s retry then succeeds', async () => {
		const target = new URL(card().databaseUrl);
		let relay = startRelay(target);
		relay.server.listen(0, '127.0.0.1');
		await once(relay.server, 'listening');
		const relayPort = (relay.server.address() as net.AddressInfo).port;
		const relayed = new URL(card().databaseUrl);
		relayed.host = `127.0.0.1:${relayPort}`;
		let flaky: AppProcess | undefined;
		try {
			flaky = await startApp({
				DATABASE_URL: relayed.toString(),
				STRIPE_SECRET_KEY: 'sk_test_komak_e2e',
				STRIPE_API_URL: card().fake.url,
				STRIPE_WEBHOOK_SECRET: webhookSecret
			});
			card().fake.setWebhookDelivery(false);
			const session = await startGift(card(), { amount_NOK: '300', email: 'outage@example.com' });
			await card().fake.completeCheckout(session);
			card().fake.setWebhookDelivery(true);
			const completed = card().fake.events.findLast(
				(e) => e.type === 'checkout.session.completed'
			)!;

			relay.cut();
			expect(await post(flaky.url, completed)).toBeGreaterThanOrEqual(500);
			relay = startRelay(target);
			relay.server.listen(relayPort, '127.0.0.1');
			await once(relay.server, 'listening');
			await expect.poll(() => post(flaky!.url, completed), { timeout: 10_000 }).toBe(200);
			expect(
				await count(
					card(),
					`select count(*) n from contribution c join supporter s on s.id = c.supporter_id where s.email = 'outage@example.com' and c.status = 'succeeded'`
				)
			).toBe(1);
		} finally {
			await flaky?.stop();
			relay.cut();
		}
	});
});
