import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type Stripe from 'stripe';
import { readGiftEntry, type GiftEntry } from '../../src/lib/giving/gift-entry.ts';
import { totalsBySupporter } from '../../src/lib/server/giving/contributions.ts';
import { migrateToLatest } from '../../src/lib/server/db/migrate.ts';
import {
	editManualGift,
	recordManualGift,
	voidGift
} from '../../src/lib/server/giving/manual-gifts.ts';
import { refundCardGift } from '../../src/lib/server/giving/refunds.ts';
import { createStripeClient } from '../../src/lib/server/stripe/sdk.ts';
import { receiveStripeEvent } from '../../src/lib/server/stripe/webhook.ts';
import { startStripeFake, type StripeFake } from '../stripe-fake/server.ts';
import { oneOff } from '../stripe-fake/test-support.ts';
import { engines, type TestDatabase } from './databases.ts';

function gift(fields: Record<string, string>): GiftEntry {
	const result = readGiftEntry(
		{
			channel: 'bank_transfer',
			receivedOn: '2026-11-20',
			amount: '500',
			currency: 'NOK',
			...fields
		},
		{ today: '2026-11-25' }
	);
	if (!result.ok) throw new Error(JSON.stringify(result.errors));
	return result.gift;
}

describe.each(engines)('gifts staff record by hand ($name)', ({ create, available }) => {
	let test: TestDatabase;
	let staffUserId: string;
	const context = () => ({ staffUserId, requestId: 'test-request' });

	beforeAll(async () => {
		if (!available) return;
		test = await create();
		await migrateToLatest(test.db);
		({ id: staffUserId } = await test.db
			.insertInto('staff_user')
			.values({ email: 'kari@dawat.no', password_hash: 'x', role: 'staff', name: 'Kari' })
			.returning('id')
			.executeTakeFirstOrThrow());
	});
	afterAll(async () => {
		await test?.drop();
	});

	it.skipIf(!available)(
		'records a bank transfer for a new supporter once, however often it is entered',
		async () => {
			const transfer = gift({
				supporterName: 'Zarmina Ahmadi',
				supporterEmail: 'Zarmina@Example.no',
				reference: 'DNB-20261120-0001'
			});
			const first = await recordManualGift(test.db, transfer, context());
			expect(first.ok).toBe(true);
			const again = await recordManualGift(test.db, transfer, context());
			expect(again).toMatchObject({ ok: false, reason: 'already_recorded' });
			// Typed in again for a walk-in with no email: refused, and no stray supporter is left.
			const countSupporters = async () =>
				(await test.db.selectFrom('supporter').select('id').execute()).length;
			const supporters = await countSupporters();
			const walkIn = { ...transfer, supporter: { name: 'Zarmina A.', email: null } };
			expect(await recordManualGift(test.db, walkIn, context())).toMatchObject({
				reason: 'already_recorded'
			});
			expect(await countSupporters()).toBe(supporters);

			const gifts = await test.db
				.selectFrom('contribution')
				.innerJoin('supporter', 'supporter.id', 'contribution.supporter_id')
				.select([
					'amount_minor',
					'currency',
					'channel',
					'status',
					'email',
					'recorded_by',
					'is_date_only'
				])
				.where('external_reference', '=', 'DNB-20261120-0001')
				.execute();
			expect(gifts).toEqual([
				{
					amount_minor: 50_000,
					currency: 'NOK',
					channel: 'bank_transfer',
					status: 'succeeded',
					email: 'Zarmina@Example.no',
					recorded_by: staffUserId,
					// Staff typed in a day, not an hour: no list shows a time for it.
					is_date_only: true
				}
			]);
			const audit = await test.db
				.selectFrom('audit_log')
				.select(['action', 'staff_user_id'])
				.where('entity_id', '=', first.ok ? first.contribution.id : '')
				.execute();
			expect(audit).toEqual([{ action: 'contribution.record', staff_user_id: staffUserId }]);
		}
	);

	it.skipIf(!available)(
		'corrects a gift with a reason, and a voided gift leaves every total',
		async () => {
			const recorded = await recordManualGift(
				test.db,
				gift({ channel: 'cash', supporterName: 'Walk-in at the book fair', amount: '200' }),
				context()
			);
			if (!recorded.ok) throw new Error('not recorded');
			const { id, supporter_id: supporterId } = recorded.contribution;

			const edited = await editManualGift(
				test.db,
				id,
				gift({ channel: 'cash', supporterId, amount: '250', reason: 'Counted twice' }),
				context()
			);
			expect(edited).toEqual({ ok: true });
			expect(await totalsBySupporter(test.db, supporterId)).toEqual([
				{ currency: 'NOK', totalMinor: 25_000, count: 1 }
			]);

			expect(await voidGift(test.db, id, 'Was a loan, not a gift', context())).toEqual({
				ok: true
			});
			expect(await totalsBySupporter(test.db, supporterId)).toEqual([]);
			const row = await test.db
				.selectFrom('contribution')
				.select(['status', 'void_reason', 'amount_minor'])
				.where('id', '=', id)
				.executeTakeFirstOrThrow();
			expect(row).toEqual({
				status: 'voided',
				void_reason: 'Was a loan, not a gift',
				amount_minor: 25_000
			});
			const actions = await test.db
				.selectFrom('audit_log')
				.select('action')
				.where('entity_id', '=', id)
				.orderBy('id')
				.execute();
			expect(actions.map((a) => a.action)).toEqual([
				'contribution.record',
				'contribution.edit',
				'contribution.void'
			]);
		}
	);

	it.skipIf(!available)(
		'asks for a receipt when staff tick it and the supporter has an email address',
		async () => {
			const record = async (fields: Record<string, string>) => {
				const outcome = await recordManualGift(test.db, gift(fields), context());
				if (!outcome.ok) throw new Error(outcome.reason);
				return outcome.contribution;
			};
			const newcomer = await record({
				supporterName: 'Parwana Safi',
				supporterEmail: 'parwana@example.no',
				reference: 'RCPT-1',
				sendReceipt: 'yes'
			});
			expect(newcomer.receipt_requested).toBe(true);
			// The same supporter picked from the list, ticked and not.
			const known = { supporterId: newcomer.supporter_id };
			expect(
				(await record({ ...known, reference: 'RCPT-2', sendReceipt: 'yes' })).receipt_requested
			).toBe(true);
			expect((await record({ ...known, reference: 'RCPT-3' })).receipt_requested).toBe(false);
			// No address, no receipt, ticked or not.
			const walkIn = await record({
				supporterName: 'Walk-in',
				reference: 'RCPT-4',
				sendReceipt: 'yes'
			});
			expect(walkIn.receipt_requested).toBe(false);
			const again = await record({
				supporterId: walkIn.supporter_id,
				reference: 'RCPT-5',
				sendReceipt: 'yes'
			});
			expect(again.receipt_requested).toBe(false);
			const stored = await test.db
				.selectFrom('contribution')
				.select(['external_reference', 'receipt_requested'])
				.where('external_reference', 'like', 'RCPT-%')
				.orderBy('external_reference')
				.execute();
			expect(stored.map((row) => row.receipt_requested)).toEqual([true, true, false, false, false]);
		}
	);
});

describe('refunding a card gift through Stripe', () => {
	let fake: StripeFake;
	let stripe: Stripe;
	let test: TestDatabase;
	const postgres = engines[0];

	beforeAll(async () => {
		if (!postgres.available) return;
		fake = await startStripeFake({ deliverWebhooks: false });
		stripe = createStripeClient({ STRIPE_SECRET_KEY: 'sk_test_refunds', STRIPE_API_URL: fake.url });
		test = await postgres.create();
		await migrateToLatest(test.db);
	});
	afterAll(async () => {
		await test?.drop();
		await fake?.close();
	});

	it.skipIf(!postgres.available)(
		'refunds part and then the rest, and the webhooks that follow change nothing more',
		async () => {
			const session = await stripe.checkout.sessions.create(oneOff);
			await fake.completeCheckout(session.id);
			for (const event of fake.events) await receiveStripeEvent(test.db, stripe, event);
			const [card] = await test.db.selectFrom('contribution').selectAll().execute();
			expect(card).toMatchObject({ amount_minor: 25_000, status: 'succeeded' });
			const { id: staffUserId } = await test.db
				.insertInto('staff_user')
				.values({ email: 'admin@dawat.no', password_hash: 'x', role: 'admin' })
				.returning('id')
				.executeTakeFirstOrThrow();
			const context = { staffUserId, requestId: 'test-request' };

			expect(await refundCardGift(test.db, stripe, card.id, 30_000, context)).toMatchObject({
				ok: false,
				reason: 'too_much'
			});
			expect(await refundCardGift(test.db, stripe, card.id, 10_000, context)).toEqual({
				ok: true,
				refundedMinor: 10_000
			});
			expect(await refundCardGift(test.db, stripe, card.id, null, context)).toEqual({
				ok: true,
				refundedMinor: 25_000
			});
			// Nothing is left: a second "refund the rest" (a stale page) is refused.
			expect(await refundCardGift(test.db, stripe, card.id, null, context)).toEqual({
				ok: false,
				reason: 'not_refundable'
			});
			// The refund webhooks arrive after the fact, in any order: the figures stay.
			for (const event of [...fake.events].reverse()) {
				await receiveStripeEvent(test.db, stripe, event);
			}
			const after = await test.db
				.selectFrom('contribution')
				.select(['status', 'refunded_minor', 'amount_minor'])
				.execute();
			expect(after).toEqual([{ status: 'refunded', refunded_minor: 25_000, amount_minor: 25_000 }]);
		}
	);
});
