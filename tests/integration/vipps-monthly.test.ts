import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Kysely } from 'kysely';
import { fakeCredentials, startVippsFake, type VippsFake } from '../vipps-fake/server.ts';
import { createDatabase, type Database } from '../../src/lib/server/db/connection.ts';
import { migrateToLatest } from '../../src/lib/server/db/migrate.ts';
import { createVippsClient, type VippsClient } from '../../src/lib/server/vipps/client.ts';
import { startVippsAgreement } from '../../src/lib/server/vipps/agreements.ts';
import { addDays } from '../../src/lib/server/vipps/dates.ts';
import {
	createDueVippsCharges,
	RETRY_DAYS as VIPPS_RETRY_DAYS
} from '../../src/lib/server/vipps/scheduler.ts';
import {
	changeVippsMonthlyAmount,
	stopVippsMonthlyGift
} from '../../src/lib/server/vipps/plan-changes.ts';
import { refundVippsGift } from '../../src/lib/server/vipps/refunds.ts';
import { syncVippsPayments } from '../../src/lib/server/vipps/sync.ts';
import { receiveVippsEvent } from '../../src/lib/server/vipps/webhook.ts';
import { loadDashboard } from '../../src/lib/server/lists/dashboard.ts';
import { engines } from './databases.ts';

// The webhook's secret is sealed with the app's key.
process.env.KOMAK_SECRET_KEY ??= randomBytes(32).toString('base64');

// Monthly gifts by Vipps over three months: the first month taken when the supporter approves,
// then the scheduler on two instances at once creating each month's charge exactly once; a
// declined charge gives one failed-payment email; a stopped agreement gets no more charges.

let fake: VippsFake;
let vipps: VippsClient;

beforeAll(async () => {
	fake = await startVippsFake({ deliverWebhooks: false });
	vipps = createVippsClient({ ...fakeCredentials, apiUrl: fake.url });
});

afterAll(async () => {
	await fake?.close();
});

const monthly = (email: string, amountMinor = 15000) => ({
	kind: 'monthly' as const,
	currency: 'NOK',
	amountMinor,
	feeTopUpMinor: 0,
	totalMinor: amountMinor,
	name: email.split('@')[0],
	email,
	isAnonymous: false,
	dedication: ''
});

describe.each(engines)('Vipps monthly gifts on $name', ({ create, available }) => {
	let db: Kysely<Database>;
	let other: Kysely<Database>;
	let drop: () => Promise<void>;
	let delivered = 0;

	beforeAll(async () => {
		if (!available) return;
		const test = await create();
		db = test.db;
		await migrateToLatest(db);
		// A second app instance: its own pool on PostgreSQL; PGlite has one connection per process.
		other = 'url' in test ? createDatabase({ databaseUrl: test.url as string, poolSize: 3 }) : db;
		drop = async () => {
			if (other !== db) await other.destroy();
			await test.drop();
		};
		delivered = fake.recurringEvents.length;
	});

	afterAll(async () => {
		await drop?.();
	});

	/** Hands every Recurring event since the last call to the webhook path, each one twice. */
	async function deliverNewEvents() {
		const events = fake.recurringEvents.slice(delivered);
		delivered = fake.recurringEvents.length;
		for (const event of [...events, ...events]) {
			const { outcome, error } = await receiveVippsEvent(
				db,
				vipps,
				event.body as never,
				undefined,
				{
					origin: 'https://give.example.org'
				}
			);
			expect(error).toBeUndefined();
			expect(outcome).not.toBe('failed');
		}
	}

	async function startAndApprove(email: string) {
		const { reference, redirectUrl } = await startVippsAgreement(db, vipps, {
			donation: monthly(email),
			locale: 'fa-AF',
			origin: 'https://give.example.org',
			productName: 'Monthly gift to Dawat Media Center'
		});
		expect(redirectUrl).toMatch(/\/landing\?token=/);
		const { agreement_id } = await db
			.selectFrom('vipps_agreement')
			.select('agreement_id')
			.where('reference', '=', reference)
			.executeTakeFirstOrThrow();
		await fake.approveAgreement(agreement_id!);
		return agreement_id!;
	}

	const giftsOf = (email: string) =>
		db
			.selectFrom('contribution as c')
			.innerJoin('supporter as s', 's.id', 'c.supporter_id')
			.select(['c.amount_minor', 'c.status', 'c.kind', 'c.channel', 'c.received_at'])
			.where('s.email', '=', email)
			.orderBy('c.received_at')
			.execute();

	it.skipIf(!available)(
		'over three months, two schedulers create one charge per agreement per month; a declined one mails once; a stopped one is charged no more',
		async () => {
			let day = '2027-01-10';
			fake.setToday(day);
			try {
				const steady = await startAndApprove('steady@example.no');
				const declined = await startAndApprove('declined@example.no');
				const stopped = await startAndApprove('stopped@example.no');
				await deliverNewEvents();
				for (const email of ['steady@example.no', 'declined@example.no', 'stopped@example.no'])
					expect(await giftsOf(email)).toMatchObject([
						{ amount_minor: 15000, status: 'succeeded', kind: 'monthly', channel: 'vipps' }
					]);

				/** The days the declined gift shows as past due on the dashboard. */
				const pastDueDays: string[] = [];
				for (; day <= '2027-04-12'; day = addDays(day, 1)) {
					fake.setToday(day);
					if (day === '2027-02-20') {
						await vipps.stopAgreement(stopped, 'stop-test');
						await deliverNewEvents();
					}
					const reports = await Promise.all([
						createDueVippsCharges(db, vipps, { today: day, description: 'Monthly gift' }),
						createDueVippsCharges(other, vipps, { today: day, description: 'Monthly gift' })
					]);
					for (const report of reports) expect(report.failed).toEqual([]);
					await fake.processCharges(day, (charge) =>
						charge.agreementId === declined && charge.due === '2027-03-10' ? 'declined' : 'charged'
					);
					await deliverNewEvents();
					if (day >= '2027-03-10') {
						const { attention } = await loadDashboard(db);
						if (attention.pastDuePlans.length) pastDueDays.push(day);
						expect(attention.pastDuePlans).toMatchObject(
							attention.pastDuePlans.length ? [{ channel: 'vipps', amountMinor: 15000 }] : []
						);
					}
				}

				const periods = await db
					.selectFrom('vipps_charge')
					.select(['agreement_id', 'period'])
					.orderBy('agreement_id')
					.orderBy('period')
					.execute();
				const byAgreement = (id: string) =>
					periods.filter((p) => p.agreement_id === id).map((p) => p.period);
				expect(byAgreement(steady)).toEqual(['2027-02', '2027-03', '2027-04']);
				expect(byAgreement(declined)).toEqual(['2027-02', '2027-03', '2027-04']);
				// Stopped on 20 February, after February's charge was made and taken.
				expect(byAgreement(stopped)).toEqual(['2027-02']);
				const atVipps = (id: string) =>
					[...fake.charges.values()].filter((c) => c.agreementId === id && c.type === 'RECURRING');
				expect(atVipps(steady)).toHaveLength(3);
				expect(atVipps(stopped)).toHaveLength(1);

				expect((await giftsOf('steady@example.no')).map((g) => g.status)).toEqual([
					'succeeded',
					'succeeded',
					'succeeded',
					'succeeded'
				]);
				expect((await giftsOf('declined@example.no')).map((g) => g.status)).toEqual([
					'succeeded',
					'succeeded',
					'failed',
					'succeeded'
				]);
				expect(await giftsOf('stopped@example.no')).toHaveLength(2);

				const mails = await db
					.selectFrom('email_message')
					.select(['to_address', 'kind', 'locale'])
					.where('kind', '=', 'payment_failed')
					.execute();
				expect(mails).toEqual([
					{ to_address: 'declined@example.no', kind: 'payment_failed', locale: 'fa-AF' }
				]);
				// In Dari, and about the card behind the Vipps agreement, not a card to update with us.
				const { text_body: text } = await db
					.selectFrom('email_message')
					.select('text_body')
					.where('kind', '=', 'payment_failed')
					.executeTakeFirstOrThrow();
				expect(text).toContain('اپلیکیشن Vipps');
				expect(text).not.toContain('کارت خود را تازه کنید');

				const plans = await db
					.selectFrom('recurring_plan')
					.select(['external_id', 'status', 'amount_minor', 'channel'])
					.orderBy('external_id')
					.execute();
				expect(plans).toHaveLength(3);
				expect(plans.find((p) => p.external_id === steady)).toMatchObject({
					status: 'active',
					amount_minor: 15000,
					channel: 'vipps'
				});
				// Past due once Vipps gave up retrying March's charge, until April's went through:
				// then active again by itself, and no longer on the dashboard.
				expect(pastDueDays[0]).toBe(addDays('2027-03-10', VIPPS_RETRY_DAYS));
				expect(pastDueDays.at(-1)).toBe(addDays('2027-04-10', -1));
				expect(plans.find((p) => p.external_id === declined)?.status).toBe('active');
				expect((await loadDashboard(db)).attention.pastDuePlans).toEqual([]);
				expect(plans.find((p) => p.external_id === stopped)?.status).toBe('canceled');

				// May's charges are taken while no webhook arrives: vipps:sync records them, once.
				fake.setToday('2027-05-06');
				await createDueVippsCharges(db, vipps, {
					today: '2027-05-06',
					description: 'Monthly gift'
				});
				await fake.processCharges('2027-05-10');
				delivered = fake.recurringEvents.length; // lost
				expect(await giftsOf('steady@example.no')).toHaveLength(4);
				const first = await syncVippsPayments(db, vipps);
				expect(first).toMatchObject({ agreements: 2, failed: [] });
				expect(await giftsOf('steady@example.no')).toHaveLength(5);
				expect(await giftsOf('declined@example.no')).toHaveLength(5);
				await syncVippsPayments(db, vipps);
				expect(await giftsOf('steady@example.no')).toHaveLength(5);
				expect(
					await db
						.selectFrom('email_message')
						.select('id')
						.where('kind', '=', 'payment_failed')
						.execute()
				).toHaveLength(1);
			} finally {
				fake.setToday(null);
			}
		}
	);
	it.skipIf(!available)(
		'a supporter stops their own Vipps monthly gift through the Recurring API, and the plan follows Vipps',
		async () => {
			const agreementId = await startAndApprove('stops@example.no');
			await deliverNewEvents();
			const plan = await db
				.selectFrom('recurring_plan')
				.select(['id', 'supporter_id', 'status'])
				.where('external_id', '=', agreementId)
				.executeTakeFirstOrThrow();
			expect(plan.status).toBe('active');
			const request = { planId: plan.id, origin: 'https://give.example.org' };
			const stranger = await db
				.insertInto('supporter')
				.values({ name: 'Someone else', email: 'someone.else@example.no' })
				.returning('id')
				.executeTakeFirstOrThrow();
			expect(
				await stopVippsMonthlyGift(db, vipps, { ...request, supporterId: stranger.id })
			).toEqual({ ok: false, reason: 'not_found' });
			expect(fake.agreements.get(agreementId)!.status).toBe('ACTIVE');

			const own = { ...request, supporterId: plan.supporter_id };
			expect(await stopVippsMonthlyGift(db, vipps, own)).toEqual({ ok: true });
			expect(fake.agreements.get(agreementId)!.status).toBe('STOPPED');
			const after = await db
				.selectFrom('recurring_plan')
				.select('status')
				.where('id', '=', plan.id)
				.executeTakeFirstOrThrow();
			expect(after.status).toBe('canceled');
			expect(await stopVippsMonthlyGift(db, vipps, own)).toEqual({
				ok: false,
				reason: 'not_possible'
			});
			await deliverNewEvents(); // Vipps's own report of the stop changes nothing more
		}
	);

	it.skipIf(!available)(
		'a supporter changes their Vipps monthly amount within what they approved in Vipps, and the next charge is the new amount',
		async () => {
			const agreementId = await startAndApprove('raises@example.no'); // NOK 150, approved up to 300
			await deliverNewEvents();
			const plan = await db
				.selectFrom('recurring_plan')
				.select(['id', 'supporter_id'])
				.where('external_id', '=', agreementId)
				.executeTakeFirstOrThrow();
			const own = {
				planId: plan.id,
				supporterId: plan.supporter_id,
				origin: 'https://give.example.org'
			};
			expect(await changeVippsMonthlyAmount(db, vipps, { ...own, amountMinor: 50000 })).toEqual({
				ok: false,
				reason: 'above_maximum',
				maximumMinor: 30000
			});
			expect(fake.agreements.get(agreementId)!.pricing.suggestedMaxAmount).toBe(30000);

			expect(await changeVippsMonthlyAmount(db, vipps, { ...own, amountMinor: 25000 })).toEqual({
				ok: true
			});
			expect(fake.agreements.get(agreementId)!.pricing.suggestedMaxAmount).toBe(50000);
			const after = await db
				.selectFrom('recurring_plan')
				.select(['amount_minor', 'status'])
				.where('id', '=', plan.id)
				.executeTakeFirstOrThrow();
			expect(after).toEqual({ amount_minor: 25000, status: 'active' });

			const { next_charge_on } = await db
				.selectFrom('vipps_agreement')
				.select('next_charge_on')
				.where('agreement_id', '=', agreementId)
				.executeTakeFirstOrThrow();
			await createDueVippsCharges(db, vipps, {
				today: addDays(next_charge_on!, -5),
				description: 'Monthly gift',
				chargesPerMinute: 60_000
			});
			const charges = [...fake.charges.values()].filter(
				(c) => c.agreementId === agreementId && c.type === 'RECURRING'
			);
			expect(charges.map((c) => c.amount)).toEqual([25000]);
		}
	);

	it.skipIf(!available)(
		'refunds part of a month’s Vipps charge from the gift page, then the rest, and Vipps’s later word changes nothing more',
		async () => {
			const agreementId = await startAndApprove('refund.monthly@example.no');
			await deliverNewEvents();
			const gift = await db
				.selectFrom('contribution')
				.selectAll()
				.where('channel', '=', 'vipps')
				.where('kind', '=', 'monthly')
				.where(
					'recurring_plan_id',
					'=',
					db.selectFrom('recurring_plan').select('id').where('external_id', '=', agreementId)
				)
				.executeTakeFirstOrThrow();
			expect(gift).toMatchObject({ amount_minor: 15000, status: 'succeeded', refunded_minor: 0 });
			const { id: staffUserId } = await db
				.insertInto('staff_user')
				.values({
					email: 'admin.refunds@dawatmedia.no',
					name: 'Kari',
					password_hash: 'x',
					role: 'admin'
				})
				.returning('id')
				.executeTakeFirstOrThrow();
			const context = { staffUserId, requestId: 'req-monthly-refund' };

			expect(await refundVippsGift(db, vipps, gift.id, 20000, context)).toEqual({
				ok: false,
				reason: 'too_much'
			});
			expect(await refundVippsGift(db, vipps, gift.id, 5000, context)).toEqual({
				ok: true,
				refundedMinor: 5000
			});
			const charge = fake.charges.get(gift.payment_reference!)!;
			expect(charge).toMatchObject({ status: 'PARTIALLY_REFUNDED', summary: { refunded: 5000 } });
			const partly = await db
				.selectFrom('contribution')
				.select(['status', 'refunded_minor'])
				.where('id', '=', gift.id)
				.executeTakeFirstOrThrow();
			expect(partly).toEqual({ status: 'partially_refunded', refunded_minor: 5000 });

			expect(await refundVippsGift(db, vipps, gift.id, null, context)).toEqual({
				ok: true,
				refundedMinor: 15000
			});
			expect(charge).toMatchObject({ status: 'REFUNDED', summary: { refunded: 15000 } });
			// Nothing is left to refund, and asking Vipps again (as vipps:sync does) changes nothing.
			expect(await refundVippsGift(db, vipps, gift.id, null, context)).toEqual({
				ok: false,
				reason: 'not_refundable'
			});
			await syncVippsPayments(db, vipps);
			const after = await db
				.selectFrom('contribution')
				.select(['status', 'amount_minor', 'refunded_minor'])
				.where('id', '=', gift.id)
				.executeTakeFirstOrThrow();
			expect(after).toEqual({ status: 'refunded', amount_minor: 15000, refunded_minor: 15000 });
			const audit = await db
				.selectFrom('audit_log')
				.select('action')
				.where('entity_id', '=', gift.id)
				.execute();
			expect(audit).toEqual([{ action: 'contribution.refund' }, { action: 'contribution.refund' }]);
		}
	);
});
