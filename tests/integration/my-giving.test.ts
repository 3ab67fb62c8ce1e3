import { randomBytes } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type Stripe from 'stripe';
import { migrateToLatest } from '../../src/lib/server/db/migrate.ts';
import {
	findOwnPlan,
	listGivingYears,
	listOwnGifts
} from '../../src/lib/server/self-service/giving.ts';
import {
	cancelPlan,
	changePlanAmount,
	openCardUpdate,
	pausePlan,
	resumePlan
} from '../../src/lib/server/self-service/plan-changes.ts';
import {
	invalidateSupporterSession,
	validateSupporterSession
} from '../../src/lib/server/self-service/session.ts';
import {
	checkSignInLink,
	createSignInLink,
	requestSignInLink,
	useSignInLink
} from '../../src/lib/server/self-service/sign-in-link.ts';
import {
	findTaxIdentity,
	openTaxIdentifier,
	removeTaxIdentity,
	saveTaxIdentity
} from '../../src/lib/server/self-service/tax-identity.ts';
import { eraseSupporter } from '../../src/lib/server/privacy/erasure.ts';
import { createCheckoutSession } from '../../src/lib/server/stripe/checkout.ts';
import { createStripeClient } from '../../src/lib/server/stripe/sdk.ts';
import { receiveStripeEvent } from '../../src/lib/server/stripe/webhook.ts';
import { startStripeFake, type StripeFake } from '../stripe-fake/server.ts';
import { engines, type TestDatabase } from './databases.ts';

// "My giving" (/my): the sign-in link, what a supporter sees, and their changes to a monthly card
// gift, which go to the Stripe fake through the real SDK; the plan follows only when the fake's
// webhook reaches the app's handler.

process.env.KOMAK_SECRET_KEY ??= randomBytes(32).toString('base64');

const webhookSecret = 'whsec_test_my_giving';
const minutes = (n: number) => n * 60 * 1000;

let fake: StripeFake;
let stripe: Stripe;
let receiver: Server;
/** The database the webhook receiver writes to: the engine under test. */
let current: TestDatabase | undefined;

beforeAll(async () => {
	// The app's webhook route in small: verify the signature, then the app's own handler.
	receiver = createServer(async (req, res) => {
		const chunks: Buffer[] = [];
		for await (const chunk of req) chunks.push(chunk as Buffer);
		const payload = Buffer.concat(chunks).toString('utf8');
		try {
			const event = stripe.webhooks.constructEvent(
				payload,
				String(req.headers['stripe-signature']),
				webhookSecret
			);
			const { outcome } = await receiveStripeEvent(current!.db, stripe, event, {
				rawPayload: payload
			});
			res.writeHead(outcome === 'failed' ? 500 : 200).end();
		} catch {
			res.writeHead(400).end();
		}
	});
	await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
	const port = (receiver.address() as AddressInfo).port;
	fake = await startStripeFake({
		webhookUrl: `http://127.0.0.1:${port}/webhooks/stripe`,
		webhookSecret
	});
	stripe = createStripeClient({ STRIPE_SECRET_KEY: 'sk_test_my_giving', STRIPE_API_URL: fake.url });
});

afterAll(async () => {
	await fake?.close();
	await new Promise((resolve) => receiver?.close(resolve));
});

describe.each(engines)('My giving on $name', ({ create, available }) => {
	let db: TestDatabase['db'];
	let counter = 0;

	beforeAll(async () => {
		if (!available) return;
		current = await create();
		db = current.db;
		await migrateToLatest(db);
	});
	afterAll(async () => {
		await current?.drop();
		current = undefined;
	});

	/** A monthly card gift as the appeal starts it, completed at the fake's checkout page. */
	async function giveMonthly(email: string, amountMinor = 20_000) {
		const session = await createCheckoutSession(db, stripe, {
			donation: {
				kind: 'monthly',
				currency: 'NOK',
				amountMinor,
				feeTopUpMinor: 0,
				totalMinor: amountMinor,
				name: 'Mina Rahimi',
				email,
				isAnonymous: false,
				dedication: ''
			},
			locale: 'fa-AF',
			origin: 'http://localhost:3000',
			productName: 'Monthly gift to Dawat Media Center'
		});
		await fake.completeCheckout(session.id);
		const supporter = await db
			.selectFrom('supporter')
			.selectAll()
			.where('email', '=', email)
			.executeTakeFirstOrThrow();
		const plan = await db
			.selectFrom('recurring_plan')
			.selectAll()
			.where('supporter_id', '=', supporter.id)
			.executeTakeFirstOrThrow();
		return { supporter, plan, subscriptionId: plan.external_id! };
	}

	const uniqueEmail = (name: string) => `${name}.${++counter}@example.org`;

	/** Holds the fake's webhooks back while `act` runs; returns the events it caused. */
	async function withWebhooksHeld(act: () => Promise<unknown>): Promise<Stripe.Event[]> {
		const start = fake.events.length;
		fake.setWebhookDelivery(false);
		try {
			await act();
		} finally {
			fake.setWebhookDelivery(true);
		}
		return fake.events.slice(start);
	}

	async function deliver(events: Stripe.Event[]) {
		for (const event of events) expect(await fake.deliver(event.id)).toBe(200);
	}

	const planOf = (id: string) =>
		db.selectFrom('recurring_plan').selectAll().where('id', '=', id).executeTakeFirstOrThrow();

	async function signInLinkTokens(email: string): Promise<string[]> {
		const messages = await db
			.selectFrom('email_message')
			.select('text_body')
			.where('kind', '=', 'sign_in_link')
			.where('to_address', '=', email)
			.orderBy('created_at')
			.execute();
		return messages.map((m) => /token=([a-z2-7]{32})/.exec(m.text_body)![1]);
	}

	it.skipIf(!available)(
		'sends a link only to a known supporter, in their language, and answers the same for anyone',
		async () => {
			const { supporter } = await giveMonthly(uniqueEmail('mina'));
			const known = { email: supporter.email!.toUpperCase(), origin: 'https://give.example.org' };
			const unknown = { email: uniqueEmail('stranger'), origin: 'https://give.example.org' };

			const timed = async (request: { email: string; origin: string }) => {
				const started = performance.now();
				const outcome = await requestSignInLink(db, { ...request, clientAddress: '192.0.2.1' });
				return { outcome, ms: performance.now() - started };
			};
			const forKnown = await timed(known);
			const forUnknown = await timed(unknown);
			expect(forKnown.outcome).toEqual({ ok: true });
			expect(forUnknown.outcome).toEqual({ ok: true });
			expect(forKnown.ms).toBeGreaterThanOrEqual(390);
			expect(forUnknown.ms).toBeGreaterThanOrEqual(390);

			const messages = await db
				.selectFrom('email_message')
				.selectAll()
				.where('kind', '=', 'sign_in_link')
				.where('to_address', 'in', [supporter.email!, unknown.email])
				.execute();
			expect(messages).toHaveLength(1);
			const [message] = messages;
			expect(message).toMatchObject({
				to_address: supporter.email,
				supporter_id: supporter.id,
				locale: 'fa-AF',
				status: 'queued'
			});
			expect(message.subject).toContain('لینک ورود');
			expect(message.html_body).toContain('dir="rtl"');
			expect(message.text_body).toMatch(
				/https:\/\/give\.example\.org\/my\/sign-in\?token=[a-z2-7]{32}/
			);
			// Only a hash of the link's secret is stored.
			const token = (await signInLinkTokens(supporter.email!))[0];
			const stored = await db.selectFrom('supporter_sign_in_token').selectAll().execute();
			expect(JSON.stringify(stored)).not.toContain(token);
		}
	);

	it.skipIf(!available)(
		'a link signs in once; a used, expired or wrong link is refused',
		async () => {
			const { supporter } = await giveMonthly(uniqueEmail('farid'));
			const email = supporter.email!;
			const ask = () =>
				requestSignInLink(db, {
					email,
					clientAddress: '192.0.2.2',
					origin: 'http://localhost:3000',
					minimumAnswerMs: 0
				});
			await ask();
			const [token] = await signInLinkTokens(email);

			// Opening the link (a mail scanner, say) does not use it.
			expect(await checkSignInLink(db, token)).toBe('valid');
			expect(await checkSignInLink(db, token)).toBe('valid');
			const first = await useSignInLink(db, token);
			expect(first).toMatchObject({ ok: true, supporterId: supporter.id });
			if (!first.ok) return;
			const session = await validateSupporterSession(db, first.sessionToken);
			expect(session?.supporter).toEqual({
				id: supporter.id,
				email,
				name: 'Mina Rahimi',
				preferredLocale: 'fa-AF',
				kid: supporter.kid
			});
			expect(await useSignInLink(db, token)).toEqual({ ok: false, problem: 'used' });
			expect(await checkSignInLink(db, token)).toBe('used');

			await ask();
			const second = (await signInLinkTokens(email))[1];
			const later = new Date(Date.now() + minutes(21));
			expect(await checkSignInLink(db, second, later)).toBe('expired');
			expect(await useSignInLink(db, second, later)).toEqual({ ok: false, problem: 'expired' });
			// Within its time it still works once: expiry is a matter of the clock, not of use.
			expect(await useSignInLink(db, second)).toMatchObject({ ok: true });

			const wrong = second.slice(0, -1) + (second.endsWith('a') ? 'b' : 'a');
			expect(await useSignInLink(db, wrong)).toEqual({ ok: false, problem: 'unknown' });
			expect(await useSignInLink(db, 'not-a-token')).toEqual({ ok: false, problem: 'unknown' });

			// A session ends when unused for two hours, and on sign-out.
			const inTwoHours = new Date(Date.now() + minutes(121));
			expect(await validateSupporterSession(db, first.sessionToken, inTwoHours)).toBeNull();
			const third = await (async () => {
				await ask();
				return useSignInLink(db, (await signInLinkTokens(email))[2]);
			})();
			if (!third.ok) throw new Error('third link refused');
			const validated = await validateSupporterSession(db, third.sessionToken);
			await invalidateSupporterSession(db, validated!.sessionId);
			expect(await validateSupporterSession(db, third.sessionToken)).toBeNull();
			const [id] = third.sessionToken.split('.');
			expect(await validateSupporterSession(db, `${id}.wrongsecret`)).toBeNull();
		}
	);

	it.skipIf(!available)(
		'a link inside a receipt works for three days, once, and then asks for a new one',
		async () => {
			const { supporter } = await giveMonthly(uniqueEmail('sahar'));
			const sent = new Date('2026-12-07T08:00:00Z');
			const hours = (h: number) => new Date(sent.getTime() + h * 60 * 60 * 1000);
			const link = await createSignInLink(db, supporter.id, {
				origin: 'https://give.example.org',
				now: sent
			});
			const token = new URL(link).searchParams.get('token')!;
			expect(link.startsWith('https://give.example.org/my/sign-in?token=')).toBe(true);
			expect(await checkSignInLink(db, token, hours(71))).toBe('valid');
			expect(await checkSignInLink(db, token, hours(73))).toBe('expired');
			expect(await useSignInLink(db, token, hours(73))).toEqual({ ok: false, problem: 'expired' });
			expect(await useSignInLink(db, token, hours(2))).toMatchObject({ ok: true });
			expect(await useSignInLink(db, token, hours(3))).toEqual({ ok: false, problem: 'used' });
		}
	);

	it.skipIf(!available)('limits link requests per email and per client address', async () => {
		const ask = (email: string, clientAddress: string) =>
			requestSignInLink(db, { email, clientAddress, origin: 'http://x', minimumAnswerMs: 0 });
		const email = uniqueEmail('busy');
		for (const address of ['198.51.100.1', '198.51.100.2', '198.51.100.3']) {
			expect(await ask(email, address)).toEqual({ ok: true });
		}
		expect(await ask(email.toUpperCase(), '198.51.100.4')).toEqual({
			ok: false,
			reason: 'rate_limited'
		});
		for (let i = 0; i < 10; i++)
			expect(await ask(uniqueEmail('x'), '203.0.113.9')).toMatchObject({ ok: true });
		expect(await ask(uniqueEmail('x'), '203.0.113.9')).toEqual({
			ok: false,
			reason: 'rate_limited'
		});
		// The rate-limit table keeps no email addresses.
		const keys = await db.selectFrom('rate_limit').select('key').execute();
		expect(keys.some((k) => k.key.includes('@'))).toBe(false);
	});

	it.skipIf(!available)(
		'a supporter sees only their own gifts and plans, refunds included, and cannot touch another’s',
		async () => {
			const mine = await giveMonthly(uniqueEmail('own'), 15_000);
			const theirs = await giveMonthly(uniqueEmail('other'), 30_000);
			// The first payment of mine is refunded at Stripe.
			const invoice = await stripe.invoices.retrieve(
				String((await stripe.subscriptions.retrieve(mine.subscriptionId)).latest_invoice),
				{ expand: ['payments'] }
			);
			await stripe.refunds.create({
				payment_intent: String(invoice.payments!.data[0].payment.payment_intent)
			});
			await fake.flushWebhooks();

			const gifts = await listOwnGifts(db, mine.supporter.id);
			expect(gifts).toEqual([
				expect.objectContaining({
					amountMinor: 15_000,
					currency: 'NOK',
					channel: 'card',
					kind: 'monthly',
					status: 'refunded'
				})
			]);
			expect(await listGivingYears(db, mine.supporter.id)).toEqual([]);
			expect(await listGivingYears(db, theirs.supporter.id)).toEqual([new Date().getFullYear()]);
			expect(await findOwnPlan(db, mine.supporter.id, mine.plan.id)).toBeDefined();
			expect(await findOwnPlan(db, mine.supporter.id, theirs.plan.id)).toBeUndefined();
			expect(await findOwnPlan(db, mine.supporter.id, 'not-a-uuid')).toBeUndefined();

			const asMe = { supporterId: mine.supporter.id, planId: theirs.plan.id };
			const events = await withWebhooksHeld(async () => {
				expect(await changePlanAmount(db, stripe, { ...asMe, amountMinor: 100 })).toEqual({
					ok: false,
					reason: 'not_found'
				});
				expect(await pausePlan(db, stripe, asMe)).toMatchObject({ reason: 'not_found' });
				expect(await resumePlan(db, stripe, asMe)).toMatchObject({ reason: 'not_found' });
				expect(await cancelPlan(db, stripe, { ...asMe, comment: '' })).toMatchObject({
					reason: 'not_found'
				});
				expect(
					await openCardUpdate(db, stripe, { ...asMe, returnUrl: 'http://x/my', locale: 'en' })
				).toMatchObject({ reason: 'not_found' });
			});
			expect(events).toEqual([]);
			const subscription = await stripe.subscriptions.retrieve(theirs.subscriptionId);
			expect(subscription).toMatchObject({ status: 'active', pause_collection: null });
			expect(subscription.items.data[0].price.unit_amount).toBe(30_000);
		}
	);

	it.skipIf(!available)(
		'changing the amount reaches Stripe, and the plan follows once the event arrives',
		async () => {
			const { supporter, plan, subscriptionId } = await giveMonthly(uniqueEmail('amount'));
			const before = await stripe.subscriptions.retrieve(subscriptionId);
			const events = await withWebhooksHeld(async () => {
				expect(
					await changePlanAmount(db, stripe, {
						supporterId: supporter.id,
						planId: plan.id,
						amountMinor: 35_000
					})
				).toEqual({ ok: true });
			});
			const after = await stripe.subscriptions.retrieve(subscriptionId);
			const [item] = after.items.data;
			expect(after.items.data).toHaveLength(1);
			expect(item.id).toBe(before.items.data[0].id);
			expect(item.quantity).toBe(1);
			expect(item.price).toMatchObject({
				unit_amount: 35_000,
				currency: 'nok',
				product: before.items.data[0].price.product,
				recurring: { interval: 'month', interval_count: 1 }
			});
			expect(after.metadata).toMatchObject({ amount_minor: '35000', fee_top_up_minor: '0' });
			expect(events.map((e) => e.type)).toEqual(['customer.subscription.updated']);
			expect(events[0].request?.id).toMatch(/^req_/);

			expect((await planOf(plan.id)).amount_minor).toBe(20_000);
			await deliver(events);
			expect(await planOf(plan.id)).toMatchObject({ amount_minor: 35_000, status: 'active' });
		}
	);

	it.skipIf(!available)(
		'pausing and resuming reach Stripe, and the plan follows each event',
		async () => {
			const { supporter, plan, subscriptionId } = await giveMonthly(uniqueEmail('pause'));
			const request = { supporterId: supporter.id, planId: plan.id };

			const paused = await withWebhooksHeld(async () => {
				expect(await pausePlan(db, stripe, request)).toEqual({ ok: true });
			});
			expect((await stripe.subscriptions.retrieve(subscriptionId)).pause_collection).toEqual({
				behavior: 'void',
				resumes_at: null
			});
			expect(paused.map((e) => e.type)).toEqual(['customer.subscription.updated']);
			expect((await planOf(plan.id)).status).toBe('active');
			await deliver(paused);
			expect((await planOf(plan.id)).status).toBe('paused');
			// Nothing is collected while paused.
			expect(await fake.payNextInvoice(subscriptionId, { succeed: true })).toMatchObject({
				status: 'void'
			});

			const resumed = await withWebhooksHeld(async () => {
				expect(await resumePlan(db, stripe, request)).toEqual({ ok: true });
				// Resuming a plan our records show as running is refused before Stripe is asked.
				expect(await pausePlan(db, stripe, request)).toEqual({ ok: false, reason: 'not_possible' });
			});
			expect((await stripe.subscriptions.retrieve(subscriptionId)).pause_collection).toBeNull();
			expect(resumed.map((e) => e.type)).toEqual(['customer.subscription.updated']);
			expect((await planOf(plan.id)).status).toBe('paused');
			await deliver(resumed);
			expect((await planOf(plan.id)).status).toBe('active');
		}
	);

	it.skipIf(!available)(
		'cancelling reaches Stripe with the reason, and the plan ends with it once the event arrives',
		async () => {
			const { supporter, plan, subscriptionId } = await giveMonthly(uniqueEmail('cancel'));
			const events = await withWebhooksHeld(async () => {
				expect(
					await cancelPlan(db, stripe, {
						supporterId: supporter.id,
						planId: plan.id,
						comment: '  Moving back to Kabul for a year.  '
					})
				).toEqual({ ok: true });
			});
			expect(await stripe.subscriptions.retrieve(subscriptionId)).toMatchObject({
				status: 'canceled',
				cancellation_details: {
					comment: 'Moving back to Kabul for a year.',
					reason: 'cancellation_requested'
				}
			});
			expect(events.map((e) => e.type)).toEqual(['customer.subscription.deleted']);
			expect(await planOf(plan.id)).toMatchObject({ status: 'active', cancellation_comment: null });
			await deliver(events);
			expect(await planOf(plan.id)).toMatchObject({
				status: 'canceled',
				cancellation_comment: 'Moving back to Kabul for a year.'
			});
			// An ended plan cannot be changed any more.
			expect(
				await changePlanAmount(db, stripe, {
					supporterId: supporter.id,
					planId: plan.id,
					amountMinor: 10_000
				})
			).toEqual({ ok: false, reason: 'not_possible' });
		}
	);

	it.skipIf(!available)(
		'updating the card opens Stripe’s portal for the subscription’s customer',
		async () => {
			const { supporter, plan, subscriptionId } = await giveMonthly(uniqueEmail('card'));
			const outcome = await openCardUpdate(db, stripe, {
				supporterId: supporter.id,
				planId: plan.id,
				returnUrl: `http://localhost:3000/my/plans/${plan.id}`,
				locale: 'fa-AF'
			});
			expect(outcome).toMatchObject({ ok: true, url: expect.stringContaining('/portal/bps_') });
			if (!outcome.ok) return;
			const session = fake.objects.portalSessions.get(outcome.url.split('/').at(-1)!)!;
			expect(session).toMatchObject({
				customer: (await stripe.subscriptions.retrieve(subscriptionId)).customer,
				return_url: `http://localhost:3000/my/plans/${plan.id}`,
				locale: 'auto',
				flow: {
					type: 'payment_method_update',
					after_completion: {
						type: 'redirect',
						redirect: { return_url: `http://localhost:3000/my/plans/${plan.id}` }
					}
				}
			});
		}
	);

	it.skipIf(!available)(
		'keeps a fødselsnummer sealed, shows only its last digits, and forgets it on request or erasure',
		async () => {
			const { supporter } = await giveMonthly(uniqueEmail('tax'));
			const number = '15076500565';
			await saveTaxIdentity(db, supporter.id, { kind: 'fnr', number });
			expect(await findTaxIdentity(db, supporter.id)).toEqual({
				kind: 'fnr',
				lastDigits: '65',
				consentedAt: expect.any(Date)
			});
			const row = await db
				.selectFrom('supporter_tax_identity')
				.selectAll()
				.where('supporter_id', '=', supporter.id)
				.executeTakeFirstOrThrow();
			// Nowhere in the database in the clear, not even in part beyond the two shown digits.
			const { rows } = await sql<{
				text: string;
			}>`select string_agg(t::text, '|') as text from supporter_tax_identity t`.execute(db);
			expect(rows[0].text).not.toContain(number);
			expect(rows[0].text).not.toContain('150765');
			expect(openTaxIdentifier(row)).toBe(number);
			// Sealed for this supporter only: copied onto another's row, it does not open.
			expect(() =>
				openTaxIdentifier({ ...row, supporter_id: '00000000-0000-4000-8000-000000000000' })
			).toThrow();

			// Replaced by a D-nummer, then removed.
			await saveTaxIdentity(db, supporter.id, { kind: 'dnr', number: '41018036736' });
			expect(await findTaxIdentity(db, supporter.id)).toMatchObject({
				kind: 'dnr',
				lastDigits: '36'
			});
			expect(await removeTaxIdentity(db, supporter.id)).toBe(true);
			expect(await findTaxIdentity(db, supporter.id)).toBeNull();

			// Erasure takes the number, the sessions and the links with it.
			await saveTaxIdentity(db, supporter.id, { kind: 'fnr', number });
			await requestSignInLink(db, {
				email: supporter.email!,
				clientAddress: '192.0.2.50',
				origin: 'http://x',
				minimumAnswerMs: 0
			});
			const [token] = await signInLinkTokens(supporter.email!);
			const signedIn = await useSignInLink(db, token);
			if (!signedIn.ok) throw new Error('sign-in refused');
			const erased = await eraseSupporter(db, supporter.id, {
				staffUserId: null,
				requestId: 'test'
			});
			expect(erased.ok).toBe(true);
			expect(await findTaxIdentity(db, supporter.id)).toBeNull();
			expect(await validateSupporterSession(db, signedIn.sessionToken)).toBeNull();
			const left = await db
				.selectFrom('supporter_session')
				.select('id')
				.where('supporter_id', '=', supporter.id)
				.execute();
			expect(left).toEqual([]);
		}
	);
});
