import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import { migrateToLatest } from '../../src/lib/server/db/migrate.ts';
import {
	findOrganisation,
	listEnabledCurrencies
} from '../../src/lib/server/organisation/settings.ts';
import {
	findOrCreateSupporterByEmail,
	findSupporterByEmail
} from '../../src/lib/server/supporters/supporters.ts';
import { recordGift, totalsBySupporter } from '../../src/lib/server/giving/contributions.ts';
import { engines, type TestDatabase } from './databases.ts';

describe.each(engines)('the database on $name', ({ create, available }) => {
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
		'migrates from empty to the full schema, and again changes nothing',
		async () => {
			const tables = await sql<{ table_name: string }>`
			select table_name from information_schema.tables
			where table_schema = 'public' and table_name not like 'kysely_%' order by table_name`.execute(
				test.db
			);
			expect(tables.rows.map((r) => r.table_name)).toEqual([
				'attempt_backoff',
				'audit_log',
				'campaign',
				'checkout_attempt',
				'contribution',
				'contribution_daily_total',
				'currency_setting',
				'email_message',
				'import_batch',
				'import_mapping',
				'import_skipped_row',
				'organisation',
				'rate_limit',
				'recurring_plan',
				'staff_invite_token',
				'staff_session',
				'staff_setup_token',
				'staff_user',
				'statement_run',
				'stripe_event',
				'supporter',
				'supporter_giving',
				'supporter_session',
				'supporter_sign_in_token',
				'supporter_tax_identity',
				'supporter_total',
				'vipps_agreement',
				'vipps_charge',
				'vipps_event',
				'vipps_payment',
				'vipps_webhook'
			]);
			expect(await migrateToLatest(test.db)).toEqual([]);
		}
	);

	it.skipIf(!available)('starts with Dawat Media Center’s bank and Vipps details', async () => {
		const organisation = await findOrganisation(test.db);
		expect(organisation).toMatchObject({
			name: 'Dawat Media Center',
			bank_name: 'DNB',
			bank_account_number: '0530 2294668',
			iban: 'NO15 0530 2294 668',
			vipps_number: '557320'
		});
		const currencies = await listEnabledCurrencies(test.db);
		expect(currencies.map((c) => c.currency)).toEqual(['NOK', 'EUR', 'USD']);
		expect(currencies[0]).toMatchObject({
			minimumMinor: 1000,
			presetAmountsMinor: [10000, 25000, 50000, 100000]
		});
		expect(currencies.every((c) => c.minimumMinor === 1000)).toBe(true);
	});

	it.skipIf(!available)(
		'knows a supporter by email whatever its case, and creates each once',
		async () => {
			const first = await findOrCreateSupporterByEmail(test.db, {
				email: 'Laila@Example.com',
				name: 'Laila'
			});
			const again = await findOrCreateSupporterByEmail(test.db, {
				email: 'laila@example.COM',
				name: 'Someone else'
			});
			expect(again.id).toBe(first.id);
			expect(again.name).toBe('Laila');
			expect((await findSupporterByEmail(test.db, 'LAILA@example.com'))?.id).toBe(first.id);

			const racing = await Promise.all(
				Array.from({ length: 5 }, () =>
					findOrCreateSupporterByEmail(test.db, { email: 'race@example.com', name: 'Race' })
				)
			);
			expect(new Set(racing.map((s) => s.id)).size).toBe(1);
		}
	);

	it.skipIf(!available)('records a gift once however often its reference arrives', async () => {
		const supporter = await findOrCreateSupporterByEmail(test.db, {
			email: 'once@example.com',
			name: 'Once'
		});
		const gift = {
			supporter_id: supporter.id,
			channel: 'card' as const,
			kind: 'one_off' as const,
			amount_minor: 25000,
			currency: 'NOK',
			status: 'succeeded' as const,
			external_reference: 'pi_3MtwBwLkdIwHu7ix28a3tqPa'
		};
		const results = await Promise.all([1, 2, 3].map(() => recordGift(test.db, gift)));
		expect(results.filter((r) => r.isNew)).toHaveLength(1);
		expect(new Set(results.map((r) => r.contribution.id)).size).toBe(1);

		// The same reference on another channel is another gift.
		await recordGift(test.db, { ...gift, channel: 'bank_transfer', amount_minor: 50050 });
		await recordGift(test.db, {
			...gift,
			external_reference: 'pi_other',
			currency: 'EUR',
			amount_minor: 1500
		});
		expect(await totalsBySupporter(test.db, supporter.id)).toEqual([
			{ currency: 'EUR', totalMinor: 1500, count: 1 },
			{ currency: 'NOK', totalMinor: 75050, count: 2 }
		]);
	});

	it.skipIf(!available)(
		'moves a gift forward, never back, whatever order reports come in',
		async () => {
			const supporter = await findOrCreateSupporterByEmail(test.db, {
				email: 'monthly@example.com'
			});
			const invoice = {
				supporter_id: supporter.id,
				channel: 'card' as const,
				kind: 'monthly' as const,
				amount_minor: 1500,
				currency: 'EUR',
				external_reference: 'in_1MtHbELkdIwHu7ixl4OzzPMv'
			};
			const failed = await recordGift(test.db, { ...invoice, status: 'failed' });
			const paid = await recordGift(test.db, {
				...invoice,
				status: 'succeeded',
				fee_minor: 61,
				net_minor: 1439,
				payment_reference: 'pi_paid'
			});
			const lateFailure = await recordGift(test.db, { ...invoice, status: 'failed' });
			expect(failed.isNew).toBe(true);
			expect(paid).toMatchObject({
				isNew: false,
				contribution: { id: failed.contribution.id, status: 'succeeded', fee_minor: 61 }
			});
			expect(lateFailure.contribution).toMatchObject({
				status: 'succeeded',
				payment_reference: 'pi_paid'
			});
		}
	);

	it.skipIf(!available)(
		'refuses amounts that are not positive and statuses it does not know',
		async () => {
			const supporter = await findOrCreateSupporterByEmail(test.db, {
				email: 'checks@example.com'
			});
			const base = {
				supporter_id: supporter.id,
				channel: 'cash' as const,
				kind: 'one_off' as const,
				currency: 'NOK',
				status: 'succeeded' as const
			};
			await expect(recordGift(test.db, { ...base, amount_minor: 0 })).rejects.toThrow(/check/i);
			await expect(recordGift(test.db, { ...base, amount_minor: -100 })).rejects.toThrow(/check/i);
			await expect(
				recordGift(test.db, { ...base, amount_minor: 100, status: 'lost' as never })
			).rejects.toThrow(/check/i);
			await expect(
				recordGift(test.db, { ...base, amount_minor: 100, currency: 'kr' })
			).rejects.toThrow(/check/i);
			const cashGifts = await test.db
				.selectFrom('contribution')
				.select('id')
				.where('channel', '=', 'cash')
				.execute();
			expect(cashGifts).toHaveLength(0);
		}
	);

	it.skipIf(!available)('keeps amounts as exact integers, even past 32 bits', async () => {
		const supporter = await findOrCreateSupporterByEmail(test.db, { email: 'big@example.com' });
		const { contribution } = await recordGift(test.db, {
			supporter_id: supporter.id,
			channel: 'bank_transfer',
			kind: 'one_off',
			amount_minor: 5_000_000_001,
			currency: 'NOK',
			status: 'succeeded',
			external_reference: 'big-1'
		});
		expect(contribution.amount_minor).toBe(5_000_000_001);
		expect(typeof contribution.amount_minor).toBe('number');
	});
});
