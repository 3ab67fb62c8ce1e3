import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type Stripe from 'stripe';
import { readAttribution } from '../../src/lib/campaigns/attribution.ts';
import { readCampaign } from '../../src/lib/campaigns/campaign-form.ts';
import type { Donation } from '../../src/lib/giving/donation-form.ts';
import { readGiftEntry } from '../../src/lib/giving/gift-entry.ts';
import {
	attributionColumns,
	campaignProgress,
	createCampaign,
	findCampaign,
	findRunningCampaign
} from '../../src/lib/server/campaigns/campaigns.ts';
import { sourceReport } from '../../src/lib/server/campaigns/report.ts';
import { parseContributionFilters } from '../../src/lib/lists/filters.ts';
import { contributionTotals, listContributions } from '../../src/lib/server/lists/contributions.ts';
import { contributionsCsv } from '../../src/lib/server/lists/exports.ts';
import { migrateToLatest } from '../../src/lib/server/db/migrate.ts';
import { recordManualGift } from '../../src/lib/server/giving/manual-gifts.ts';
import { createCheckoutSession } from '../../src/lib/server/stripe/checkout.ts';
import { createStripeClient } from '../../src/lib/server/stripe/sdk.ts';
import { receiveStripeEvent } from '../../src/lib/server/stripe/webhook.ts';
import { startStripeFake, type StripeFake } from '../stripe-fake/server.ts';
import { engines, type TestDatabase } from './databases.ts';

const origin = 'http://localhost:3000';

const donation = (fields: Partial<Donation>): Donation => ({
	kind: 'one_off',
	currency: 'NOK',
	amountMinor: 50000,
	feeTopUpMinor: 0,
	totalMinor: fields.amountMinor ?? 50000,
	name: 'Maryam',
	email: 'maryam@example.org',
	isAnonymous: false,
	dedication: '',
	...fields
});

function campaignInput(fields: Record<string, string>) {
	const result = readCampaign({
		name: 'Year-end drive',
		slug: 'year-end',
		startsOn: '2026-01-01',
		goal_NOK: '50000',
		...fields
	});
	if (!result.ok) throw new Error(JSON.stringify(result.errors));
	return result.campaign;
}

describe.each(engines)('campaigns and where gifts came from ($name)', ({ create, available }) => {
	let test: TestDatabase;
	let fake: StripeFake;
	let stripe: Stripe;
	let staffUserId: string;
	let campaignId: string;
	const context = () => ({ staffUserId, requestId: 'test-request' });

	beforeAll(async () => {
		if (!available) return;
		test = await create();
		await migrateToLatest(test.db);
		fake = await startStripeFake({ deliverWebhooks: false });
		stripe = createStripeClient({
			STRIPE_SECRET_KEY: 'sk_test_campaigns',
			STRIPE_API_URL: fake.url
		});
		({ id: staffUserId } = await test.db
			.insertInto('staff_user')
			.values({ email: 'laila@dawat.no', password_hash: 'x', role: 'admin', name: 'Laila' })
			.returning('id')
			.executeTakeFirstOrThrow());
		campaignId = await createCampaign(test.db, campaignInput({}), context());
	});
	afterAll(async () => {
		await fake?.close();
		await test?.drop();
	});

	/** A card gift through Checkout, as the appeal's form post would start it. */
	async function giveByCard(
		gift: Partial<Donation>,
		form: Record<string, string>,
		referer: string
	) {
		const fields = new FormData();
		for (const [name, value] of Object.entries(form)) fields.set(name, value);
		const attribution = await attributionColumns(test.db, readAttribution(fields, referer, origin));
		const session = await createCheckoutSession(test.db, stripe, {
			donation: donation(gift),
			attribution,
			locale: 'fa-AF',
			origin,
			productName: 'Gift to Dawat Media Center'
		});
		await fake.completeCheckout(session.id);
		for (const event of fake.events) await receiveStripeEvent(test.db, stripe, event);
		return fake.objects.checkoutSessions.get(session.id)!;
	}

	async function bankGift(fields: Record<string, string>) {
		const entry = readGiftEntry(
			{
				channel: 'bank_transfer',
				receivedOn: '2026-11-20',
				amount: '300',
				currency: 'NOK',
				supporterName: 'Farid Noori',
				...fields
			},
			{ today: '2026-11-25' }
		);
		if (!entry.ok) throw new Error(JSON.stringify(entry.errors));
		const outcome = await recordManualGift(test.db, entry.gift, context());
		if (!outcome.ok) throw new Error(outcome.reason);
		return outcome.contribution;
	}

	it.skipIf(!available)(
		'counts a card gift and a hand-recorded bank gift per currency, and ignores refunded ones',
		async () => {
			const campaign = (await findCampaign(test.db, campaignId))!;
			expect(await campaignProgress(test.db, campaign)).toEqual({
				currencies: [{ currency: 'NOK', raisedMinor: 0, goalMinor: 5_000_000 }],
				givers: 0
			});

			const session = await giveByCard(
				{ amountMinor: 50000 },
				{ campaign: 'year-end', source_page: 'https://news.example.org/2026/12/story?id=7' },
				`${origin}/?campaign=year-end&utm_source=newsletter&utm_medium=email&utm_campaign=dec`
			);
			const card = await test.db
				.selectFrom('contribution')
				.selectAll()
				.where('external_reference', '=', session.payment_intent as string)
				.executeTakeFirstOrThrow();
			expect(card).toMatchObject({
				status: 'succeeded',
				campaign_id: campaignId,
				utm_source: 'newsletter',
				utm_medium: 'email',
				utm_campaign: 'dec',
				source_page: 'https://news.example.org/2026/12/story'
			});

			const farid = await bankGift({ campaignId, reference: 'bank-1' });
			// The same giver again, in euros: a second line, not a second giver.
			await bankGift({
				campaignId,
				reference: 'bank-eur',
				currency: 'EUR',
				amount: '20',
				supporterId: farid.supporter_id
			});
			// Not this campaign's: counted nowhere here.
			await bankGift({ reference: 'bank-2', amount: '999' });

			// A refunded card gift is no money raised.
			const refunded = await giveByCard(
				{ amountMinor: 70000, email: 'sara@example.org' },
				{ campaign: 'year-end' },
				`${origin}/?campaign=year-end`
			);
			await stripe.refunds.create({ payment_intent: refunded.payment_intent as string });
			for (const event of fake.events) await receiveStripeEvent(test.db, stripe, event);

			expect(await campaignProgress(test.db, campaign)).toEqual({
				currencies: [
					{ currency: 'EUR', raisedMinor: 2000, goalMinor: null },
					{ currency: 'NOK', raisedMinor: 80000, goalMinor: 5_000_000 }
				],
				givers: 2
			});
		}
	);

	it.skipIf(!available)(
		'keeps a monthly gift’s campaign and source on its plan and every month’s gift',
		async () => {
			const session = await giveByCard(
				{ kind: 'monthly', amountMinor: 30000, email: 'zahra@example.org' },
				{ source_page: 'https://news.example.org/articles/water' },
				`${origin}/?campaign=year-end&utm_source=facebook`
			);
			const subscriptionId = session.subscription as string;
			await fake.payNextInvoice(subscriptionId, { succeed: true });
			for (const event of fake.events) await receiveStripeEvent(test.db, stripe, event);
			const plan = await test.db
				.selectFrom('recurring_plan')
				.selectAll()
				.where('external_id', '=', subscriptionId)
				.executeTakeFirstOrThrow();
			expect(plan).toMatchObject({ campaign_id: campaignId, utm_source: 'facebook' });
			const gifts = await test.db
				.selectFrom('contribution')
				.select(['campaign_id', 'utm_source', 'source_page'])
				.where('recurring_plan_id', '=', plan.id)
				.execute();
			expect(gifts).toHaveLength(2);
			for (const gift of gifts)
				expect(gift).toEqual({
					campaign_id: campaignId,
					utm_source: 'facebook',
					source_page: 'https://news.example.org/articles/water'
				});
		}
	);

	it.skipIf(!available)(
		'reports per campaign and per link source, and lists and exports a campaign’s gifts',
		async () => {
			expect(await sourceReport(test.db, 'campaign')).toEqual([
				expect.objectContaining({
					label: 'Year-end drive',
					currency: 'EUR',
					giftCount: 1,
					amountMinor: 2000
				}),
				{
					key: campaignId,
					label: 'Year-end drive',
					currency: 'NOK',
					giftCount: 4,
					oneOffCount: 2,
					monthlyCount: 2,
					amountMinor: 50000 + 30000 + 2 * 30000,
					activeMonthlyCount: 1,
					activeMonthlyMinor: 30000
				}
			]);
			expect(await sourceReport(test.db, 'utm_source')).toEqual([
				expect.objectContaining({
					label: 'facebook',
					giftCount: 2,
					monthlyCount: 2,
					amountMinor: 60000,
					activeMonthlyMinor: 30000
				}),
				expect.objectContaining({ label: 'newsletter', giftCount: 1, amountMinor: 50000 })
			]);
			expect(await sourceReport(test.db, 'source_page')).toEqual([
				expect.objectContaining({ label: 'https://news.example.org/2026/12/story', giftCount: 1 }),
				expect.objectContaining({ label: 'https://news.example.org/articles/water', giftCount: 2 })
			]);

			const { filters } = parseContributionFilters(new URLSearchParams({ campaign: campaignId }));
			const listed = await listContributions(test.db, filters);
			// The refunded gift is listed (greyed out), but counts nowhere.
			expect(listed.rows).toHaveLength(6);
			expect(new Set(listed.rows.map((row) => row.campaignName))).toEqual(
				new Set(['Year-end drive'])
			);
			expect((await contributionTotals(test.db, filters)).currencies).toEqual([
				{ currency: 'EUR', giftCount: 1, netMinor: 2000 },
				{ currency: 'NOK', giftCount: 4, netMinor: 140000 }
			]);

			let csv = '';
			for await (const chunk of contributionsCsv(test.db, filters))
				csv += new TextDecoder().decode(chunk);
			const [header, ...lines] = csv.trim().split(/\r?\n/);
			expect(header).toContain(
				'Campaign;Link source (utm_source);Link medium (utm_medium);Link campaign (utm_campaign);Page the reader came from'
			);
			expect(lines).toHaveLength(6);
			expect(lines.join('\n')).toContain(
				'year-end;newsletter;email;dec;https://news.example.org/2026/12/story'
			);
		}
	);

	it.skipIf(!available)(
		'keeps a ticked contact opt-in with its words and time, and never assumes one',
		async () => {
			const wording = 'Tell me about our reporting and appeals by email';
			const before = new Date();
			await giveByCard(
				{ email: 'nadia@example.org', contactConsentWording: wording },
				{},
				`${origin}/`
			);
			await giveByCard({ email: 'omid@example.org' }, {}, `${origin}/`);
			const supporters = await test.db
				.selectFrom('supporter')
				.select(['email', 'has_contact_consent', 'contact_consent_at', 'contact_consent_wording'])
				.where('email', 'in', ['nadia@example.org', 'omid@example.org'])
				.orderBy('email')
				.execute();
			expect(supporters).toEqual([
				{
					email: 'nadia@example.org',
					has_contact_consent: true,
					contact_consent_at: expect.any(Date),
					contact_consent_wording: wording
				},
				{
					email: 'omid@example.org',
					has_contact_consent: false,
					contact_consent_at: null,
					contact_consent_wording: null
				}
			]);
			expect(supporters[0].contact_consent_at!.getTime()).toBeGreaterThanOrEqual(
				before.getTime() - 1000
			);
		}
	);

	it.skipIf(!available)('treats an unknown or ended campaign as none', async () => {
		await createCampaign(
			test.db,
			campaignInput({ slug: 'spring-2025', startsOn: '2025-03-01', endsOn: '2025-04-30' }),
			context()
		);
		expect(await findRunningCampaign(test.db, 'spring-2025')).toBeNull();
		expect(await findRunningCampaign(test.db, 'no-such-campaign')).toBeNull();
		expect(await findRunningCampaign(test.db, 'YEAR-END')).toMatchObject({ id: campaignId });
		const form = new FormData();
		form.set('campaign', 'spring-2025');
		expect(await attributionColumns(test.db, readAttribution(form, null, origin))).toMatchObject({
			campaign_id: null
		});
	});
});
