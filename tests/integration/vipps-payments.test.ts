import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { GiftEntry } from '../../src/lib/giving/gift-entry.ts';
import {
	editManualGift,
	isHandRecorded,
	isVoidable,
	voidGift
} from '../../src/lib/server/giving/manual-gifts.ts';
import { sql, type Kysely } from 'kysely';
import { fakeCredentials, startVippsFake, type VippsFake } from '../vipps-fake/server.ts';
import { signedHeaders } from '../vipps-fake/signing.ts';
import type { Database } from '../../src/lib/server/db/schema.ts';
import { migrateToLatest } from '../../src/lib/server/db/migrate.ts';
import { createVippsClient, type VippsClient } from '../../src/lib/server/vipps/client.ts';
import { receiveVippsDelivery } from '../../src/lib/server/vipps/delivery.ts';
import { startVippsPayment } from '../../src/lib/server/vipps/payments.ts';
import { syncVippsPayments } from '../../src/lib/server/vipps/sync.ts';
import { applyStoredVippsEvents, receiveVippsEvent } from '../../src/lib/server/vipps/webhook.ts';
import { claimProviderEvents } from '../../src/lib/server/giving/provider-events.ts';
import { ensureVippsWebhook, knownWebhooks } from '../../src/lib/server/vipps/webhooks.ts';
import { commitImport } from '../../src/lib/server/imports/commit.ts';
import { refundVippsGift } from '../../src/lib/server/vipps/refunds.ts';
import { issueDueReceipts } from '../../src/lib/server/mail/receipts.ts';
import { listOwnGifts } from '../../src/lib/server/self-service/giving.ts';
import { loadDashboard } from '../../src/lib/server/lists/dashboard.ts';
import { engines } from './databases.ts';

// Vipps one-off gifts from the appeal's start to the recorded gift, on both database engines:
// every event many times, in any order, from two instances at once; rejected and expired
// payments; forged and stale deliveries; Vipps not answering; and recovery by vipps:sync.

let fake: VippsFake;
let vipps: VippsClient;
// The webhook's secret is sealed with the app's key.
process.env.KOMAK_SECRET_KEY ??= randomBytes(32).toString('base64');

const webhookUrl = 'https://give.example.org/webhooks/vipps';

function shuffled<T>(items: T[], seed: number): T[] {
	const copy = [...items];
	for (let i = copy.length - 1; i > 0; i--) {
		seed = (seed * 1103515245 + 12345) % 2 ** 31;
		const j = seed % (i + 1);
		[copy[i], copy[j]] = [copy[j], copy[i]];
	}
	return copy;
}

const donation = (amountMinor: number, email = 'laila@example.no') => ({
	kind: 'one_off' as const,
	currency: 'NOK',
	amountMinor,
	feeTopUpMinor: 0,
	totalMinor: amountMinor,
	name: 'Laila',
	email,
	isAnonymous: false,
	dedication: 'For the Kabul desk'
});

const start = (db: Kysely<Database>, amountMinor = 20000, email?: string) =>
	startVippsPayment(db, vipps, {
		donation: donation(amountMinor, email),
		locale: 'nb',
		origin: 'http://localhost:3000',
		description: 'Gave til Dawat Media Center'
	});

const giftsOf = (db: Kysely<Database>) =>
	db
		.selectFrom('contribution as c')
		.innerJoin('supporter as s', 's.id', 'c.supporter_id')
		.select([
			'c.channel',
			'c.kind',
			'c.amount_minor',
			'c.currency',
			'c.status',
			'c.external_reference',
			'c.dedication',
			's.email',
			's.preferred_locale'
		])
		.orderBy('c.created_at')
		.execute();

const eventsFor = (reference: string) => fake.events.filter((e) => e.body.reference === reference);

/** A delivery as Vipps would send it to our registered address, signed with our secret. */
async function signedDelivery(db: Kysely<Database>, body: string, date?: Date, secret?: string) {
	const { id } = await db.selectFrom('vipps_webhook').select('id').executeTakeFirstOrThrow();
	const hook = fake.webhooks.get(id)!;
	return new Headers(signedHeaders(hook.url, secret ?? hook.secret, body, date));
}

beforeAll(async () => {
	fake = await startVippsFake({ deliverWebhooks: false });
	vipps = createVippsClient({ ...fakeCredentials, apiUrl: fake.url });
});

afterAll(async () => {
	await fake?.close();
});

describe.each(engines)('Vipps one-off gifts on $name', ({ create, available }) => {
	let db: Kysely<Database>;
	let drop: () => Promise<void>;
	let staffUserId: string;

	beforeAll(async () => {
		if (!available) return;
		const test = await create();
		db = test.db;
		drop = test.drop;
		await migrateToLatest(db);
		await ensureVippsWebhook(db, vipps, webhookUrl);
		staffUserId = (
			await db
				.insertInto('staff_user')
				.values({ email: 'kari@dawatmedia.no', name: 'Kari', password_hash: 'x', role: 'admin' })
				.returning('id')
				.executeTakeFirstOrThrow()
		).id;
	});

	afterAll(async () => {
		await drop?.();
	});

	it.skipIf(!available)(
		'records a NOK 200 gift once when every event arrives five times, shuffled, at two instances',
		async () => {
			const { reference, redirectUrl } = await start(db);
			expect(redirectUrl).toMatch(/\/landing\?token=/);
			expect(await giftsOf(db)).toEqual([]); // nothing before Vipps says so

			await fake.approve(reference);
			const deliveries = shuffled(Array.from({ length: 5 }, () => eventsFor(reference)).flat(), 42);
			// Two instances take turns through the shuffled deliveries, at the same time; each one's
			// worker applies what is stored after every delivery, as the webhook wakes it.
			const instances = [0, 1].map(async (instance) => {
				for (const event of deliveries.filter((_, i) => i % 2 === instance)) {
					const body = JSON.stringify(event.body);
					const answer = await receiveVippsDelivery(db, body, await signedDelivery(db, body));
					expect(answer.status).toBe(200);
					await applyStoredVippsEvents(db, vipps);
				}
			});
			await Promise.all(instances);

			expect(await giftsOf(db)).toEqual([
				{
					channel: 'vipps',
					kind: 'one_off',
					amount_minor: 20000,
					currency: 'NOK',
					status: 'succeeded',
					external_reference: reference,
					dedication: 'For the Kabul desk',
					email: 'laila@example.no',
					preferred_locale: 'nb'
				}
			]);
			const payment = fake.payments.get(reference)!;
			expect(payment.aggregate.capturedAmount.value).toBe(20000);
			expect(eventsFor(reference).filter((e) => e.body.name === 'CAPTURED')).toHaveLength(1);
		}
	);

	it.skipIf(!available)(
		'the Vipps gift gets a numbered receipt by email and shows on the supporter’s own page',
		async () => {
			await issueDueReceipts(db);
			const gift = await db
				.selectFrom('contribution as c')
				.innerJoin('supporter as s', 's.id', 'c.supporter_id')
				.select(['c.receipt_number', 's.id as supporterId'])
				.where('s.email', '=', 'laila@example.no')
				.executeTakeFirstOrThrow();
			expect(gift.receipt_number).not.toBeNull();
			const mail = await db
				.selectFrom('email_message')
				.select(['kind', 'locale'])
				.where('to_address', '=', 'laila@example.no')
				.execute();
			expect(mail).toEqual([{ kind: 'receipt', locale: 'nb' }]);
			const own = await listOwnGifts(db, gift.supporterId);
			expect(own).toMatchObject([
				{ channel: 'vipps', kind: 'one_off', amountMinor: 20000, currency: 'NOK', hasReceipt: true }
			]);
		}
	);

	it.skipIf(!available)('records nothing for a rejected or an expired payment', async () => {
		const before = (await giftsOf(db)).length;
		const rejected = await start(db, 15000, 'rejected@example.no');
		const expired = await start(db, 15000, 'expired@example.no');
		await fake.reject(rejected.reference);
		await fake.expire(expired.reference);
		for (const event of [...eventsFor(rejected.reference), ...eventsFor(expired.reference)]) {
			const { outcome } = await receiveVippsEvent(db, vipps, event.body as never);
			expect(outcome).toBe('processed');
		}
		expect(await giftsOf(db)).toHaveLength(before);
		const states = await db
			.selectFrom('vipps_payment')
			.select(['reference', 'state'])
			.where('reference', 'in', [rejected.reference, expired.reference])
			.orderBy('state')
			.execute();
		expect(states).toEqual([
			{ reference: rejected.reference, state: 'ABORTED' },
			{ reference: expired.reference, state: 'EXPIRED' }
		]);
	});

	it.skipIf(!available)('refuses forged and stale deliveries and stores nothing', async () => {
		const { reference } = await start(db, 30000, 'forged@example.no');
		await fake.approve(reference);
		const [authorized] = eventsFor(reference).filter((e) => e.body.name === 'AUTHORIZED');
		const body = JSON.stringify(authorized.body);
		const forged = await receiveVippsDelivery(
			db,
			body,
			await signedDelivery(db, body, undefined, 'not-the-secret')
		);
		const stale = await receiveVippsDelivery(
			db,
			body,
			await signedDelivery(db, body, new Date(Date.now() - 10 * 60_000))
		);
		const tampered = await receiveVippsDelivery(
			db,
			body.replace('30000', '3'),
			await signedDelivery(db, body)
		);
		await applyStoredVippsEvents(db, vipps);
		expect([forged.status, stale.status, tampered.status]).toEqual([401, 401, 401]);
		const stored = await db
			.selectFrom('vipps_event')
			.select('id')
			.where('reference', '=', reference)
			.execute();
		expect(stored).toEqual([]);
		expect(fake.payments.get(reference)!.aggregate.capturedAmount.value).toBe(0);
		expect((await giftsOf(db)).some((g) => g.external_reference === reference)).toBe(false);
	});

	/** The Vipps events staff see on the dashboard as not yet recorded, for one payment. */
	const unrecordedOnDashboard = async (reference: string) =>
		(await loadDashboard(db)).attention.failedEvents
			.filter((event) => event.provider === 'vipps' && event.id.startsWith(`${reference}:`))
			.map((event) => event.type);

	it.skipIf(!available)(
		'keeps an event while Vipps does not answer, shows it to staff, waits, and records the gift when tried again',
		async () => {
			const { reference } = await start(db, 25000, 'outage@example.no');
			await fake.approve(reference);
			const [authorized] = eventsFor(reference).filter((e) => e.body.name === 'AUTHORIZED');
			const body = JSON.stringify(authorized.body);
			const delivered = await receiveVippsDelivery(db, body, await signedDelivery(db, body));
			expect(delivered).toMatchObject({ status: 200, body: { received: true, outcome: 'stored' } });

			const unreachable = createVippsClient({ ...fakeCredentials, apiUrl: 'http://127.0.0.1:9' });
			const failed = await applyStoredVippsEvents(db, unreachable);
			expect(failed).toMatchObject({ applied: 0, failed: [{ reference }] });
			const noted = await db
				.selectFrom('vipps_event')
				.select([
					'status',
					'attempts',
					sql<boolean>`apply_after > now() + interval '10 s'`.as('waits')
				])
				.where('reference', '=', reference)
				.executeTakeFirstOrThrow();
			expect(noted).toEqual({ status: 'failed', attempts: 1, waits: true });
			expect((await giftsOf(db)).some((g) => g.external_reference === reference)).toBe(false);
			expect(await unrecordedOnDashboard(reference)).toEqual(['AUTHORIZED']);

			// Vipps delivers it again meanwhile: still stored once, and still waiting its turn.
			const again = await receiveVippsDelivery(db, body, await signedDelivery(db, body));
			expect(again.body).toEqual({ received: true, outcome: 'duplicate' });
			expect(await applyStoredVippsEvents(db, vipps)).toEqual({ applied: 0, failed: [] });

			// vipps:sync applies it without waiting (the worker would, once the wait is over).
			const synced = await syncVippsPayments(db, vipps);
			expect(synced).toMatchObject({ events: 1, failed: [] });
			const gift = (await giftsOf(db)).filter((g) => g.external_reference === reference);
			expect(gift).toMatchObject([{ amount_minor: 25000, status: 'succeeded' }]);
			expect(await unrecordedOnDashboard(reference)).toEqual([]);
		}
	);

	it.skipIf(!available)(
		'an event an instance took and never finished shows as stuck to staff and is applied by another once its lease runs out',
		async () => {
			const { reference } = await start(db, 12000, 'lease@example.no');
			await fake.approve(reference);
			for (const event of eventsFor(reference)) {
				const body = JSON.stringify(event.body);
				await receiveVippsDelivery(db, body, await signedDelivery(db, body));
			}
			// One instance takes them and stops (killed) before applying them.
			expect(await claimProviderEvents(db, 'vipps_event', 50)).toHaveLength(2);
			expect(await applyStoredVippsEvents(db, vipps)).toEqual({ applied: 0, failed: [] });
			expect((await giftsOf(db)).some((g) => g.external_reference === reference)).toBe(false);
			// Just taken, it is not yet stuck: staff are not told of every event in flight.
			expect(await unrecordedOnDashboard(reference)).toEqual([]);

			// Minutes later the lease has run out (the clock moved forward here), and staff see
			// the events still unrecorded.
			await db
				.updateTable('vipps_event')
				.set({
					apply_after: sql`now() - interval '1 s'`,
					received_at: sql`now() - interval '6 minutes'`
				})
				.where('reference', '=', reference)
				.execute();
			expect((await unrecordedOnDashboard(reference)).sort()).toEqual(['AUTHORIZED', 'CREATED']);
			expect(await applyStoredVippsEvents(db, vipps)).toEqual({ applied: 2, failed: [] });
			const gift = (await giftsOf(db)).filter((g) => g.external_reference === reference);
			expect(gift).toMatchObject([{ amount_minor: 12000, status: 'succeeded' }]);
			expect(await unrecordedOnDashboard(reference)).toEqual([]);
		}
	);

	it.skipIf(!available)(
		'vipps:sync records gifts whose webhooks never came, and a second run does nothing',
		async () => {
			// Whatever earlier tests left unsettled is settled first, so the counts below are this test's.
			await syncVippsPayments(db, vipps);
			const paid = await start(db, 20000, 'sync-paid@example.no');
			const rejected = await start(db, 20000, 'sync-rejected@example.no');
			const waiting = await start(db, 20000, 'sync-waiting@example.no');
			await fake.approve(paid.reference);
			await fake.reject(rejected.reference);

			const first = await syncVippsPayments(db, vipps);
			expect(first).toEqual({
				events: 0,
				checked: 3,
				recorded: 1,
				closed: 1,
				stillOpen: 1,
				agreements: 0,
				failed: []
			});
			const gifts = (await giftsOf(db)).filter((g) => g.email === 'sync-paid@example.no');
			expect(gifts).toMatchObject([{ amount_minor: 20000, status: 'succeeded' }]);

			await fake.expire(waiting.reference);
			const second = await syncVippsPayments(db, vipps);
			expect(second).toEqual({
				events: 0,
				checked: 1,
				recorded: 0,
				closed: 1,
				stillOpen: 0,
				agreements: 0,
				failed: []
			});
			const third = await syncVippsPayments(db, vipps);
			expect(third).toEqual({
				events: 0,
				checked: 0,
				recorded: 0,
				closed: 0,
				stillOpen: 0,
				agreements: 0,
				failed: []
			});
		}
	);

	it.skipIf(!available)(
		'a settlement report naming a gift given through the appeal adds its fee and no second gift',
		async () => {
			const { reference } = await start(db, 20000, 'settled@example.no');
			await fake.approve(reference);
			for (const event of eventsFor(reference))
				await receiveVippsEvent(db, vipps, event.body as never);
			const content = [
				'Salgsdato;Transaksjons-ID;Ordre-ID;Brutto;Gebyr;Netto;Transaksjonstype;Fornavn;Etternavn',
				`06.12.2026;3301458831;${reference};200,00;-2,00;198,00;Salg;Settled;Giver`
			].join('\n');
			const result = await commitImport(db, {
				format: 'vipps_csv',
				fileName: 'vipps-december.csv',
				content,
				staffUserId,
				requestId: 'req-vipps',
				choices: {}
			});
			expect(result).toMatchObject({ ok: true, createdCount: 0, duplicateCount: 1 });
			const gifts = await db
				.selectFrom('contribution')
				.select(['amount_minor', 'fee_minor', 'net_minor', 'status'])
				.where('channel', '=', 'vipps')
				.where('external_reference', '=', reference)
				.execute();
			expect(gifts).toEqual([
				{ amount_minor: 20000, fee_minor: 200, net_minor: 19800, status: 'succeeded' }
			]);
		}
	);

	it.skipIf(!available)(
		'refunds part of a Vipps gift from the gift page, and Vipps’s refunded event changes nothing more',
		async () => {
			const { reference } = await start(db, 20000, 'refund@example.no');
			await fake.approve(reference);
			for (const event of eventsFor(reference))
				await receiveVippsEvent(db, vipps, event.body as never);
			const gift = await db
				.selectFrom('contribution')
				.select('id')
				.where('external_reference', '=', reference)
				.executeTakeFirstOrThrow();
			const context = { staffUserId, requestId: 'req-refund' };
			expect(await refundVippsGift(db, vipps, gift.id, 25000, context)).toEqual({
				ok: false,
				reason: 'too_much'
			});
			expect(await refundVippsGift(db, vipps, gift.id, 5000, context)).toEqual({
				ok: true,
				refundedMinor: 5000
			});
			for (const event of eventsFor(reference).filter((e) => e.body.name === 'REFUNDED'))
				expect((await receiveVippsEvent(db, vipps, event.body as never)).outcome).toBe('processed');
			const after = await db
				.selectFrom('contribution')
				.select(['status', 'amount_minor', 'refunded_minor'])
				.where('id', '=', gift.id)
				.executeTakeFirstOrThrow();
			expect(after).toEqual({
				status: 'partially_refunded',
				amount_minor: 20000,
				refunded_minor: 5000
			});
			expect(fake.payments.get(reference)!.aggregate.refundedAmount.value).toBe(5000);
			const audit = await db
				.selectFrom('audit_log')
				.select('action')
				.where('entity_id', '=', gift.id)
				.execute();
			expect(audit).toEqual([{ action: 'contribution.refund' }]);
		}
	);

	it.skipIf(!available)(
		'keeps a gift Vipps reported from being corrected or voided as a hand-recorded one',
		async () => {
			const { reference } = await start(db, 15000, 'not-by-hand@example.no');
			await fake.approve(reference);
			for (const event of eventsFor(reference))
				await receiveVippsEvent(db, vipps, event.body as never);
			const gift = await db
				.selectFrom('contribution')
				.selectAll()
				.where('external_reference', '=', reference)
				.executeTakeFirstOrThrow();
			expect(isHandRecorded(gift)).toBe(false);
			expect(isVoidable(gift)).toBe(false);
			const context = { staffUserId, requestId: 'req-void' };
			expect(await voidGift(db, gift.id, 'Looks wrong', context)).toEqual({
				ok: false,
				reason: 'not_editable'
			});
			const correction: GiftEntry = {
				channel: 'vipps',
				receivedOn: '2026-11-20',
				amountMinor: 100,
				currency: 'NOK',
				reference: null,
				note: '',
				supporter: { id: gift.supporter_id! },
				reason: 'Typo',
				sendReceipt: false
			};
			expect(await editManualGift(db, gift.id, correction, context)).toEqual({
				ok: false,
				reason: 'not_editable'
			});
			const after = await db
				.selectFrom('contribution')
				.select(['status', 'amount_minor'])
				.where('id', '=', gift.id)
				.executeTakeFirstOrThrow();
			expect(after).toEqual({ status: 'succeeded', amount_minor: 15000 });
		}
	);

	it.skipIf(!available)('registers its webhook once, however often it is checked', async () => {
		const again = await ensureVippsWebhook(db, vipps, webhookUrl);
		expect(again.isRegistered).toBe(false);
		const rows = await db.selectFrom('vipps_webhook').select('url').execute();
		expect(rows).toEqual([{ url: webhookUrl }]);
	});

	it.skipIf(!available)(
		'keeps the webhook secret sealed with KOMAK_SECRET_KEY, and seals one stored before',
		async () => {
			const row = await db
				.selectFrom('vipps_webhook')
				.select(['id', 'secret'])
				.executeTakeFirstOrThrow();
			const plain = fake.webhooks.get(row.id)!.secret;
			expect(row.secret).toMatch(/^v1\./);
			expect(row.secret).not.toContain(plain);
			expect(await knownWebhooks(db)).toEqual([{ url: webhookUrl, secret: plain }]);

			// A row from before sealing still verifies, and is sealed at the next check.
			await db.updateTable('vipps_webhook').set({ secret: plain }).execute();
			expect(await knownWebhooks(db)).toEqual([{ url: webhookUrl, secret: plain }]);
			await ensureVippsWebhook(db, vipps, webhookUrl);
			const after = await db.selectFrom('vipps_webhook').select('secret').executeTakeFirstOrThrow();
			expect(after.secret).toMatch(/^v1\./);
			expect(await knownWebhooks(db)).toEqual([{ url: webhookUrl, secret: plain }]);
		}
	);
});
