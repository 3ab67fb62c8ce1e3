import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import Stripe from 'stripe';
import { startStripeFake, type StripeFake } from '../stripe-fake/server.ts';
import { loadDashboard } from '../../src/lib/server/lists/dashboard.ts';
import { migrateToLatest } from '../../src/lib/server/db/migrate.ts';
import { createCheckoutSession } from '../../src/lib/server/stripe/checkout.ts';
import { createStripeClient } from '../../src/lib/server/stripe/sdk.ts';
import { verifyStripeDelivery } from '../../src/lib/server/stripe/verify.ts';
import { receiveStripeEvent } from '../../src/lib/server/stripe/webhook.ts';
import { engines, type TestDatabase } from './databases.ts';

// Events that once could not be stored or handled: text with a NUL in it (PostgreSQL's jsonb
// and text refuse it), and event types that name Object's own properties. Each is delivered
// the way the webhook route delivers it: signed, verified, then received.

const secret = 'whsec_test_hostile_events';
const signer = new Stripe('sk_test_signer');
let fake: StripeFake;
let stripe: Stripe;

function signed(payload: string) {
	return verifyStripeDelivery(
		stripe,
		payload,
		signer.webhooks.generateTestHeaderString({ payload, secret }),
		secret
	);
}

beforeAll(async () => {
	fake = await startStripeFake({ deliverWebhooks: false });
	stripe = createStripeClient({ STRIPE_SECRET_KEY: 'sk_test_hostile', STRIPE_API_URL: fake.url });
});

afterAll(async () => {
	await fake?.close();
});

describe.each(engines)('hostile Stripe events on $name', ({ create, available }) => {
	let test: TestDatabase;

	beforeAll(async () => {
		if (!available) return;
		test = await create();
		await migrateToLatest(test.db);
	});
	afterAll(async () => {
		await test?.drop();
	});

	it.skipIf(!available)(
		'ends a plan whose cancellation comment carries a NUL, and stores the event as handled',
		async () => {
			const db = test.db;
			const session = await createCheckoutSession(db, stripe, {
				donation: {
					kind: 'monthly',
					currency: 'NOK',
					amountMinor: 20_000,
					feeTopUpMinor: 0,
					totalMinor: 20_000,
					name: 'Nadia Noori',
					email: `nadia.${Date.now()}@example.org`,
					isAnonymous: false,
					dedication: ''
				},
				locale: 'en',
				origin: 'http://localhost:3000',
				productName: 'Monthly gift'
			});
			const before = fake.events.length;
			await fake.completeCheckout(session.id);
			const subscriptionId = fake.objects.checkoutSessions.get(session.id)!.subscription as string;
			// Typed at Stripe itself (its customer portal), so no form of ours ever cleaned it.
			await stripe.subscriptions.cancel(subscriptionId, {
				cancellation_details: { comment: 'Moving\u0000 abroad' }
			});
			const events = fake.events.slice(before);
			const deleted = events.find((e) => e.type === 'customer.subscription.deleted')!;
			expect(JSON.stringify(deleted)).toContain('\\u0000');

			for (const event of events) {
				const delivery = signed(JSON.stringify(event));
				expect(delivery.ok).toBe(true);
				if (!delivery.ok) continue;
				const { outcome } = await receiveStripeEvent(db, stripe, delivery.event, {
					rawPayload: delivery.payload
				});
				expect(outcome).not.toBe('failed');
			}
			const plan = await db
				.selectFrom('recurring_plan')
				.select(['status', 'cancellation_comment'])
				.where('external_id', '=', subscriptionId)
				.executeTakeFirstOrThrow();
			expect(plan).toEqual({ status: 'canceled', cancellation_comment: 'Moving abroad' });
			const stored = await db
				.selectFrom('stripe_event')
				.select(['status'])
				.where('id', '=', deleted.id)
				.executeTakeFirstOrThrow();
			expect(stored.status).toBe('processed');
		}
	);

	it.skipIf(!available)(
		'records an event it could not handle or store as failed, and shows it on the dashboard',
		async () => {
			const db = test.db;
			// Straight to the receiver, as if the cleaning had been bypassed: the body is one
			// PostgreSQL refuses and the charge it names does not exist at Stripe.
			const event = {
				id: 'evt_unstorable_1',
				object: 'event',
				type: 'charge.refunded',
				created: Math.floor(Date.now() / 1000),
				data: { object: { id: 'ch_missing', object: 'charge', description: 'x\u0000y' } }
			} as unknown as Stripe.Event;
			const { outcome } = await receiveStripeEvent(db, stripe, event, {
				rawPayload: JSON.stringify(event)
			});
			expect(outcome).toBe('failed');
			const stored = await db
				.selectFrom('stripe_event')
				.select(['status', 'attempts', 'last_error'])
				.where('id', '=', event.id)
				.executeTakeFirstOrThrow();
			expect(stored).toMatchObject({ status: 'failed', attempts: 1 });
			expect(stored.last_error).toBeTruthy();
			const dashboard = await loadDashboard(db);
			expect(dashboard.attention.failedEventCount).toBeGreaterThanOrEqual(1);
			expect(dashboard.attention.failedEvents.map((e) => e.id)).toContain(event.id);
		}
	);

	it.skipIf(!available)(
		'keeps events named after Object’s own properties for the record and acts on none',
		async () => {
			for (const type of ['__proto__', 'constructor', 'toString', 'hasOwnProperty']) {
				const event = {
					id: `evt_${type}`,
					object: 'event',
					type,
					created: Math.floor(Date.now() / 1000),
					data: { object: { id: 'x', object: 'thing' } }
				} as unknown as Stripe.Event;
				expect(await receiveStripeEvent(test.db, stripe, event)).toEqual({ outcome: 'ignored' });
			}
		}
	);
});

describe('what the webhook believes', () => {
	const now = Date.now();
	const event = {
		id: 'evt_1',
		object: 'event',
		type: 'invoice.paid',
		created: Math.floor(now / 1000),
		data: { object: { id: 'in_1', object: 'invoice' } }
	};

	function deliver(body: unknown, timestamp = Math.floor(now / 1000)) {
		const payload = JSON.stringify(body);
		const header = signer.webhooks.generateTestHeaderString({ payload, secret, timestamp });
		const result = verifyStripeDelivery(stripe, payload, header, secret, now);
		return result.ok ? 'ok' : result.reason;
	}

	it('takes a signed event and refuses signed bodies that are not events', () => {
		expect(deliver(event)).toBe('ok');
		expect(deliver([event])).toBe('not_an_event');
		expect(deliver(null)).toBe('not_an_event');
		expect(deliver('evt_1')).toBe('not_an_event');
		expect(deliver({ ...event, created: 'yesterday' })).toBe('not_an_event');
		expect(deliver({ ...event, created: -1 })).toBe('not_an_event');
		expect(deliver({ ...event, created: 1e12 })).toBe('not_an_event');
		expect(deliver({ ...event, data: null })).toBe('not_an_event');
		expect(deliver({ ...event, type: '__proto__' })).toBe('not_an_event');
	});

	it('refuses a signature from more than a minute in the future or over five minutes old', () => {
		const seconds = Math.floor(now / 1000);
		expect(deliver(event, seconds + 30)).toBe('ok');
		expect(deliver(event, seconds + 600)).toBe('future');
		expect(deliver(event, seconds - 290)).toBe('ok');
		expect(deliver(event, seconds - 600)).toBe('signature');
	});
});
