import { describe, expect, it } from 'vitest';
import type { Kysely } from 'kysely';
import { intlLocale } from '../../src/lib/locales.ts';
import { formatMoney } from '../../src/lib/money.ts';
import { loadDashboard } from '../../src/lib/server/lists/dashboard.ts';
import type { Database } from '../../src/lib/server/db/schema.ts';
import { migrateToLatest } from '../../src/lib/server/db/migrate.ts';
import { createCheckoutSession } from '../../src/lib/server/stripe/checkout.ts';
import { createStripeClient } from '../../src/lib/server/stripe/sdk.ts';
import { receiveStripeEvent } from '../../src/lib/server/stripe/webhook.ts';
import { useSignInLink } from '../../src/lib/server/self-service/sign-in-link.ts';
import { startStripeFake } from '../stripe-fake/server.ts';
import { monthly } from '../stripe-fake/test-support.ts';
import { engines } from './databases.ts';

// A monthly supporter's card is declined: they get one friendly email in their language, staff
// see the plan past due with the reason, and the plan heals itself once a payment goes through.

const origin = 'https://give.example.org';

const planOf = (db: Kysely<Database>) =>
	db
		.selectFrom('recurring_plan')
		.select(['status', 'last_failure_reason'])
		.executeTakeFirstOrThrow();

const failureEmails = (db: Kysely<Database>) =>
	db
		.selectFrom('email_message')
		.selectAll()
		.where('kind', '=', 'payment_failed')
		.orderBy('created_at')
		.execute();

describe.each(engines)('a failed monthly payment on $name', ({ create, available }) => {
	it.skipIf(!available)(
		'emails the supporter once, shows on the dashboard, and clears when a payment succeeds',
		async () => {
			const fake = await startStripeFake({ deliverWebhooks: false });
			const stripe = createStripeClient({
				STRIPE_SECRET_KEY: 'sk_test_failures',
				STRIPE_API_URL: fake.url
			});
			const test = await create();
			try {
				await migrateToLatest(test.db);
				let delivered = 0;
				const deliverNewEvents = async () => {
					for (const event of fake.events.slice(delivered)) {
						const { outcome, error } = await receiveStripeEvent(test.db, stripe, event, { origin });
						expect(error).toBeUndefined();
						expect(outcome).not.toBe('failed');
					}
					delivered = fake.events.length;
				};

				const session = await createCheckoutSession(test.db, stripe, {
					donation: {
						kind: 'monthly',
						currency: 'EUR',
						amountMinor: 1500,
						feeTopUpMinor: 0,
						totalMinor: 1500,
						name: 'Mina Rahimi',
						email: 'mina@example.com',
						isAnonymous: false,
						dedication: ''
					},
					locale: 'fa-AF',
					origin,
					productName: 'Monthly gift to Dawat Media Center'
				});
				await fake.completeCheckout(session.id);
				const subscriptionId = String(fake.objects.checkoutSessions.get(session.id)!.subscription);
				await deliverNewEvents();
				expect(await planOf(test.db)).toEqual({ status: 'active', last_failure_reason: null });

				await fake.payNextInvoice(subscriptionId, {
					succeed: false,
					declineCode: 'insufficient_funds'
				});
				await deliverNewEvents();
				expect(await planOf(test.db)).toEqual({
					status: 'past_due',
					last_failure_reason: 'insufficient_funds'
				});
				const [email, ...others] = await failureEmails(test.db);
				expect(others).toEqual([]);
				expect(email).toMatchObject({
					to_address: 'mina@example.com',
					locale: 'fa-AF',
					status: 'queued',
					subject: 'کمک ماهوار شما به Dawat Media Center پرداخت نشد'
				});
				expect(email.dedupe_key).toMatch(/^payment_failed:in_/);
				// In Dari, with the amount, the reason in words, and the way to a new card.
				const amount = formatMoney(1500, 'EUR', intlLocale('fa-AF'));
				expect(email.text_body).toContain(`پرداخت این ماه به مبلغ ${amount} انجام نشد.`);
				expect(email.text_body).toContain('پول کافی در کارت موجود نبود.');
				expect(email.text_body).toContain('هنوز چیزی از دست نرفته است');
				// The button is this supporter's own single-use sign-in link.
				const link = /کارت خود را تازه کنید: (\S+)/.exec(email.text_body)![1];
				expect(link).toMatch(/\/my\/sign-in\?token=[a-z2-7]{32}$/);
				expect(link.startsWith(`${origin}/`)).toBe(true);
				expect(email.html_body).toContain('dir="rtl"');
				expect(email.html_body).toContain(`href="${link}"`);
				const token = new URL(link).searchParams.get('token')!;
				expect(await useSignInLink(test.db, token)).toMatchObject({ ok: true });
				expect(await useSignInLink(test.db, token)).toEqual({ ok: false, problem: 'used' });

				// The same event again, and the card declined again on Stripe's retry: no second email.
				const failedEvent = fake.events.find((e) => e.type === 'invoice.payment_failed')!;
				expect((await receiveStripeEvent(test.db, stripe, failedEvent, { origin })).outcome).toBe(
					'duplicate'
				);
				await fake.payNextInvoice(subscriptionId, { succeed: false, declineCode: 'expired_card' });
				await deliverNewEvents();
				expect(await failureEmails(test.db)).toHaveLength(1);
				expect(await planOf(test.db)).toEqual({
					status: 'past_due',
					last_failure_reason: 'expired_card'
				});

				const { attention } = await loadDashboard(test.db);
				expect(attention).toMatchObject({
					pastDueCount: 1,
					pastDueByCurrency: [{ currency: 'EUR', count: 1, amountMinor: 1500 }],
					pastDuePlans: [{ amountMinor: 1500, currency: 'EUR', lastFailureReason: 'expired_card' }],
					failedCount: 1,
					failedByCurrency: [{ currency: 'EUR', count: 1, amountMinor: 1500 }],
					failedPayments: [{ amountMinor: 1500, currency: 'EUR', failureReason: 'expired_card' }]
				});
				// Failing since the invoice of the declined month, not since the second try.
				const invoice = fake.objects.invoices.get(failedEvent.data.object.id as string)!;
				expect(attention.pastDuePlans[0].failingSince).toEqual(new Date(invoice.created * 1000));

				await fake.payNextInvoice(subscriptionId, { succeed: true });
				await deliverNewEvents();
				expect(await planOf(test.db)).toEqual({ status: 'active', last_failure_reason: null });
				expect(await failureEmails(test.db)).toHaveLength(1);
				expect((await loadDashboard(test.db)).attention).toMatchObject({
					pastDueCount: 0,
					pastDuePlans: [],
					failedCount: 0,
					failedPayments: []
				});
			} finally {
				await fake.close();
				await test.drop();
			}
		}
	);
});

describe('a failure that arrives after the payment went through', () => {
	it.skipIf(!engines[0].available)(
		'queues no email and leaves no decline reason when its delivery comes last',
		async () => {
			const fake = await startStripeFake({ deliverWebhooks: false });
			const stripe = createStripeClient({
				STRIPE_SECRET_KEY: 'sk_test_late_failure',
				STRIPE_API_URL: fake.url
			});
			const test = await engines[0].create();
			try {
				await migrateToLatest(test.db);
				const session = await stripe.checkout.sessions.create(monthly);
				await fake.completeCheckout(session.id);
				const subscriptionId = String(fake.objects.checkoutSessions.get(session.id)!.subscription);
				await fake.payNextInvoice(subscriptionId, { succeed: false, declineCode: 'expired_card' });
				await fake.payNextInvoice(subscriptionId, { succeed: true });

				// The failure's delivery was lost and comes last (a retry by Stripe, or stripe:sync).
				const failure = fake.events.find((e) => e.type === 'invoice.payment_failed')!;
				for (const event of [...fake.events.filter((e) => e !== failure), failure]) {
					const { outcome } = await receiveStripeEvent(test.db, stripe, event, { origin });
					expect(outcome).not.toBe('failed');
				}
				expect(await planOf(test.db)).toEqual({ status: 'active', last_failure_reason: null });
				expect(await failureEmails(test.db)).toEqual([]);
			} finally {
				await fake.close();
				await test.drop();
			}
		}
	);
});
