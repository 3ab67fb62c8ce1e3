import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type Stripe from 'stripe';
import { startStripeFake, type StripeFake } from '../stripe-fake/server.ts';
import { migrateToLatest } from '../../src/lib/server/db/migrate.ts';
import { createStripeClient } from '../../src/lib/server/stripe/sdk.ts';
import { createCheckoutSession } from '../../src/lib/server/stripe/checkout.ts';
import { receiveStripeEvent } from '../../src/lib/server/stripe/webhook.ts';
import { recordGift } from '../../src/lib/server/giving/contributions.ts';
import { syncStripeEvents } from '../../src/lib/server/stripe/sync.ts';
import { engines, type TestDatabase } from './databases.ts';

// A whole monthly gift's life at Stripe, replayed into fresh databases in different orders.

let fake: StripeFake;
let stripe: Stripe;
let lifecycleEvents: Stripe.Event[];
let subscriptionId: string;
const since = new Date(Date.now() - 60_000);

/** A deterministic shuffle, so a failure can be replayed. */
function shuffled<T>(items: T[], seed: number): T[] {
	const copy = [...items];
	for (let i = copy.length - 1; i > 0; i--) {
		seed = (seed * 1103515245 + 12345) % 2 ** 31;
		const j = seed % (i + 1);
		[copy[i], copy[j]] = [copy[j], copy[i]];
	}
	return copy;
}

async function finalState(test: TestDatabase) {
	const plans = await test.db
		.selectFrom('recurring_plan')
		.select(['external_id', 'status', 'amount_minor', 'currency'])
		.execute();
	const gifts = await test.db
		.selectFrom('contribution')
		.select(['external_reference', 'status', 'amount_minor', 'currency', 'kind'])
		.orderBy('external_reference')
		.execute();
	const supporters = await test.db
		.selectFrom('supporter')
		.select(['email', 'stripe_customer_id'])
		.execute();
	return { plans, gifts, supporters };
}

beforeAll(async () => {
	fake = await startStripeFake({ deliverWebhooks: false });
	stripe = createStripeClient({ STRIPE_SECRET_KEY: 'sk_test_lifecycle', STRIPE_API_URL: fake.url });
	// The gift starts as the appeal starts it, from a database of its own.
	const origin = await engines[engines.length - 1].create();
	await migrateToLatest(origin.db);
	const session = await createCheckoutSession(origin.db, stripe, {
		donation: {
			kind: 'monthly',
			currency: 'EUR',
			amountMinor: 1500,
			feeTopUpMinor: 0,
			totalMinor: 1500,
			name: 'Mina',
			email: 'mina@example.com',
			isAnonymous: false,
			dedication: ''
		},
		locale: 'fa-AF',
		origin: 'http://localhost:3000',
		productName: 'Monthly gift to Dawat Media Center'
	});
	await origin.drop();
	await fake.completeCheckout(session.id);
	subscriptionId = fake.objects.checkoutSessions.get(session.id)!.subscription as string;
	await fake.payNextInvoice(subscriptionId, { succeed: true });
	await fake.payNextInvoice(subscriptionId, { succeed: true });
	await fake.payNextInvoice(subscriptionId, { succeed: false, declineCode: 'insufficient_funds' });
	await fake.payNextInvoice(subscriptionId, { succeed: true });
	await stripe.subscriptions.update(subscriptionId, { pause_collection: { behavior: 'void' } });
	await stripe.subscriptions.update(subscriptionId, { pause_collection: '' });
	await stripe.subscriptions.cancel(subscriptionId);
	lifecycleEvents = [...fake.events];
});

afterAll(async () => {
	await fake?.close();
});

describe.each(engines)('Stripe events on $name', ({ create, available }) => {
	it.skipIf(!available)(
		'a monthly gift’s whole life, in any order, ends in the same state',
		async () => {
			const states = [];
			for (const seed of [1, 7, 42]) {
				const test = await create();
				try {
					await migrateToLatest(test.db);
					for (const event of shuffled(lifecycleEvents, seed)) {
						const { outcome, error } = await receiveStripeEvent(test.db, stripe, event);
						expect(error).toBeUndefined();
						expect(outcome).not.toBe('failed');
					}
					states.push(await finalState(test));
				} finally {
					await test.drop();
				}
			}
			expect(states[1]).toEqual(states[0]);
			expect(states[2]).toEqual(states[0]);
			const [state] = states;
			expect(state.plans).toEqual([
				{ external_id: subscriptionId, status: 'canceled', amount_minor: 1500, currency: 'EUR' }
			]);
			// Four invoices: three paid at once, one paid on its second try.
			expect(state.gifts).toHaveLength(4);
			expect(
				state.gifts.every(
					(g) => g.status === 'succeeded' && g.amount_minor === 1500 && g.kind === 'monthly'
				)
			).toBe(true);
			expect(state.supporters).toEqual([
				{ email: 'mina@example.com', stripe_customer_id: expect.stringMatching(/^cus_/) }
			]);
		}
	);

	it.skipIf(!available)(
		'stripe:sync recovers events that never arrived, and a second run does nothing',
		async () => {
			const test = await create();
			try {
				await migrateToLatest(test.db);
				const first = await syncStripeEvents(test.db, stripe, { since });
				expect(first.failed).toEqual([]);
				expect(first.handled).toBeGreaterThan(10);
				expect(first.handled + first.alreadyHandled).toBe(first.listed);
				const recovered = await finalState(test);
				expect(recovered.gifts).toHaveLength(4);
				expect(recovered.plans[0].status).toBe('canceled');

				const second = await syncStripeEvents(test.db, stripe, { since });
				expect(second).toMatchObject({ handled: 0, alreadyHandled: first.listed, failed: [] });
				expect(await finalState(test)).toEqual(recovered);
			} finally {
				await test.drop();
			}
		}
	);
});

describe('refunds', () => {
	it.skipIf(!engines[0].available)(
		'change a card gift’s status and refunded amount, and never delete it',
		async () => {
			const test = await engines[0].create();
			const refundFake = await startStripeFake({ deliverWebhooks: false });
			const client = createStripeClient({
				STRIPE_SECRET_KEY: 'sk_test_refunds',
				STRIPE_API_URL: refundFake.url
			});
			try {
				await migrateToLatest(test.db);
				const session = await createCheckoutSession(test.db, client, {
					donation: {
						kind: 'one_off',
						currency: 'NOK',
						amountMinor: 50000,
						feeTopUpMinor: 0,
						totalMinor: 50000,
						name: 'Karim',
						email: 'karim@example.com',
						isAnonymous: true,
						dedication: ''
					},
					locale: 'ps',
					origin: 'http://localhost:3000',
					productName: 'Gift to Dawat Media Center'
				});
				await refundFake.completeCheckout(session.id);
				const deliverAll = async () => {
					for (const event of refundFake.events) await receiveStripeEvent(test.db, client, event);
				};
				await deliverAll();
				const paymentIntent = refundFake.objects.checkoutSessions.get(session.id)!
					.payment_intent as string;
				const gift = () =>
					test.db
						.selectFrom('contribution')
						.selectAll()
						.where('external_reference', '=', paymentIntent)
						.executeTakeFirstOrThrow();
				expect(await gift()).toMatchObject({
					status: 'succeeded',
					amount_minor: 50000,
					refunded_minor: 0,
					is_anonymous: true
				});

				await client.refunds.create({ payment_intent: paymentIntent, amount: 20000 });
				await deliverAll();
				expect(await gift()).toMatchObject({
					status: 'partially_refunded',
					amount_minor: 50000,
					refunded_minor: 20000
				});

				await client.refunds.create({ payment_intent: paymentIntent });
				await deliverAll();
				expect(await gift()).toMatchObject({
					status: 'refunded',
					amount_minor: 50000,
					refunded_minor: 50000
				});
			} finally {
				await refundFake.close();
				await test.drop();
			}
		}
	);
	it.skipIf(!engines[0].available)(
		'marks a disputed card gift, then settles it as the dispute ends, won or lost',
		async () => {
			const test = await engines[0].create();
			const disputeFake = await startStripeFake({ deliverWebhooks: false });
			const client = createStripeClient({
				STRIPE_SECRET_KEY: 'sk_test_disputes',
				STRIPE_API_URL: disputeFake.url
			});
			try {
				await migrateToLatest(test.db);
				const paidGift = async (email: string) => {
					const session = await client.checkout.sessions.create({
						mode: 'payment',
						customer_email: email,
						line_items: [
							{
								quantity: 1,
								price_data: { currency: 'nok', unit_amount: 30000, product_data: { name: 'Gift' } }
							}
						],
						success_url: 'http://localhost:3000/thank-you',
						cancel_url: 'http://localhost:3000/'
					});
					await disputeFake.completeCheckout(session.id);
					for (const event of disputeFake.events) await receiveStripeEvent(test.db, client, event);
					const paymentIntent = disputeFake.objects.checkoutSessions.get(session.id)!
						.payment_intent as string;
					const charge = disputeFake.objects.paymentIntents.get(paymentIntent)!.latest_charge;
					return { paymentIntent, charge: charge as string };
				};
				// The fake has no disputes of its own; these events have Stripe's documented shape.
				const disputeEvent = (
					id: string,
					type: 'charge.dispute.created' | 'charge.dispute.closed',
					gift: { paymentIntent: string; charge: string },
					status: Stripe.Dispute.Status
				) =>
					({
						id,
						object: 'event',
						type,
						api_version: '2026-10-28.endive',
						created: Math.floor(Date.now() / 1000),
						livemode: false,
						pending_webhooks: 1,
						request: { id: null, idempotency_key: null },
						data: {
							object: {
								id: `dp_${gift.paymentIntent}`,
								object: 'dispute',
								amount: 30000,
								currency: 'nok',
								charge: gift.charge,
								payment_intent: gift.paymentIntent,
								reason: 'fraudulent',
								status
							}
						}
					}) as unknown as Stripe.Event;
				const statusOf = async (paymentIntent: string) =>
					test.db
						.selectFrom('contribution')
						.select(['status', 'amount_minor', 'refunded_minor'])
						.where('payment_reference', '=', paymentIntent)
						.executeTakeFirstOrThrow();

				const lost = await paidGift('lost@example.com');
				const opened = disputeEvent(
					'evt_dispute_lost_1',
					'charge.dispute.created',
					lost,
					'needs_response'
				);
				await receiveStripeEvent(test.db, client, opened);
				await receiveStripeEvent(test.db, client, opened);
				expect(await statusOf(lost.paymentIntent)).toEqual({
					status: 'disputed',
					amount_minor: 30000,
					refunded_minor: 0
				});
				await receiveStripeEvent(
					test.db,
					client,
					disputeEvent('evt_dispute_lost_2', 'charge.dispute.closed', lost, 'lost')
				);
				expect(await statusOf(lost.paymentIntent)).toEqual({
					status: 'refunded',
					amount_minor: 30000,
					refunded_minor: 30000
				});

				const won = await paidGift('won@example.com');
				await receiveStripeEvent(
					test.db,
					client,
					disputeEvent('evt_dispute_won_1', 'charge.dispute.created', won, 'needs_response')
				);
				await receiveStripeEvent(
					test.db,
					client,
					disputeEvent('evt_dispute_won_2', 'charge.dispute.closed', won, 'won')
				);
				expect(await statusOf(won.paymentIntent)).toEqual({
					status: 'succeeded',
					amount_minor: 30000,
					refunded_minor: 0
				});
			} finally {
				await disputeFake.close();
				await test.drop();
			}
		}
	);
});

describe('a delayed card payment', () => {
	it.skipIf(!engines[0].available)(
		'that fails marks its pending gift failed, and leaves a gift already paid as it is',
		async () => {
			const test = await engines[0].create();
			const delayedFake = await startStripeFake({ deliverWebhooks: false });
			const client = createStripeClient({
				STRIPE_SECRET_KEY: 'sk_test_delayed',
				STRIPE_API_URL: delayedFake.url
			});
			try {
				await migrateToLatest(test.db);
				const { id: supporterId } = await test.db
					.insertInto('supporter')
					.values({ name: 'Sahar', email: 'sahar@example.com' })
					.returning('id')
					.executeTakeFirstOrThrow();
				const cardGift = (paymentIntent: string, status: 'pending' | 'succeeded') =>
					recordGift(test.db, {
						supporter_id: supporterId,
						channel: 'card',
						kind: 'one_off',
						amount_minor: 40000,
						currency: 'NOK',
						status,
						received_at: new Date('2026-11-20T10:00:00Z'),
						external_reference: paymentIntent,
						payment_reference: paymentIntent
					});
				await cardGift('pi_delayed_pending', 'pending');
				await cardGift('pi_delayed_paid', 'succeeded');
				// The fake has no delayed payment methods; the event has Stripe's documented shape.
				const paymentFailed = (id: string, paymentIntent: string) =>
					({
						id,
						object: 'event',
						type: 'checkout.session.async_payment_failed',
						api_version: '2026-10-28.endive',
						created: Math.floor(Date.now() / 1000),
						livemode: false,
						pending_webhooks: 1,
						request: { id: null, idempotency_key: null },
						data: {
							object: {
								id: `cs_${paymentIntent}`,
								object: 'checkout.session',
								mode: 'payment',
								payment_status: 'unpaid',
								payment_intent: paymentIntent,
								metadata: {}
							}
						}
					}) as unknown as Stripe.Event;
				await receiveStripeEvent(
					test.db,
					client,
					paymentFailed('evt_delayed_1', 'pi_delayed_pending')
				);
				await receiveStripeEvent(
					test.db,
					client,
					paymentFailed('evt_delayed_2', 'pi_delayed_paid')
				);
				const gifts = await test.db
					.selectFrom('contribution')
					.select(['external_reference', 'status'])
					.orderBy('external_reference')
					.execute();
				expect(gifts).toEqual([
					{ external_reference: 'pi_delayed_paid', status: 'succeeded' },
					{ external_reference: 'pi_delayed_pending', status: 'failed' }
				]);
			} finally {
				await delayedFake.close();
				await test.drop();
			}
		}
	);
});
