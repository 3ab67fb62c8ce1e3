import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Kysely } from 'kysely';
import { DEFAULT_TIME_ZONE, formatDateTime, useOrganisationTimeZone } from '../../src/lib/dates.ts';
import type { Database } from '../../src/lib/server/db/schema.ts';
import { migrateToLatest } from '../../src/lib/server/db/migrate.ts';
import { recordGift } from '../../src/lib/server/giving/contributions.ts';
import { listGivingYears } from '../../src/lib/server/self-service/giving.ts';
import { loadSettings, saveSettings } from '../../src/lib/server/organisation/settings.ts';
import { engines, type TestDatabase } from './databases.ts';

// A gift made at 23:30 in London on New Year's Eve is already next year in Oslo, still this
// year in New York. The organisation's time zone decides which, everywhere at once.
const newYearsEve = new Date('2025-12-31T23:30:00Z');

describe.each(engines)(
	'the organisation time zone on $name',
	({ create, available }) => {
		let test: TestDatabase;
		let db: Kysely<Database>;
		let supporterId: string;
		let staffUserId: string;

		beforeAll(async () => {
			if (!available) return;
			test = await create();
			db = test.db;
			await migrateToLatest(db);
			({ id: supporterId } = await db
				.insertInto('supporter')
				.values({ name: 'Laila Ahmadi', email: 'laila@example.org' })
				.returning('id')
				.executeTakeFirstOrThrow());
			({ id: staffUserId } = await db
				.insertInto('staff_user')
				.values({ email: 'admin@example.org', password_hash: 'x', role: 'admin' })
				.returning('id')
				.executeTakeFirstOrThrow());
			await recordGift(db, {
				supporter_id: supporterId,
				channel: 'bank_transfer',
				kind: 'one_off',
				amount_minor: 25000,
				currency: 'NOK',
				status: 'succeeded',
				received_at: newYearsEve,
				external_reference: 'new-years-eve'
			});
		});
		afterAll(async () => {
			useOrganisationTimeZone(DEFAULT_TIME_ZONE);
			await test?.drop();
		});
		afterEach(() => useOrganisationTimeZone(DEFAULT_TIME_ZONE));

		const days = async () =>
			(
				await db
					.selectFrom('contribution_daily_total')
					.select('day')
					.distinct()
					.orderBy('day')
					.execute()
			).map((row) =>
				String(
					(row.day as unknown) instanceof Date
						? (row.day as unknown as Date).toISOString().slice(0, 10)
						: row.day
				)
			);

		it.runIf(available)('counts the gift in Norway by default', async () => {
			expect(await days()).toEqual(['2026-01-01']);
			expect(await listGivingYears(db, supporterId)).toEqual([2026]);
			expect(formatDateTime(newYearsEve, { locale: 'en' })).toBe('1 Jan 2026, 00:30');
		});

		it.runIf(available)(
			'moves the gift to the day and year it was in the zone staff chose, past and future gifts alike',
			async () => {
				const settings = await loadSettings(db);
				await saveSettings(
					db,
					{ ...settings, timeZone: 'America/New_York' },
					{ staffUserId, requestId: 'tz' }
				);
				expect(await days()).toEqual(['2025-12-31']);
				expect(await listGivingYears(db, supporterId)).toEqual([2025]);
				expect(formatDateTime(newYearsEve, { locale: 'en' })).toBe('31 Dec 2025, 18:30');

				await recordGift(db, {
					supporter_id: supporterId,
					channel: 'cash',
					kind: 'one_off',
					amount_minor: 10000,
					currency: 'NOK',
					status: 'succeeded',
					received_at: new Date('2026-03-01T03:00:00Z'),
					external_reference: 'late-night'
				});
				expect(await days()).toEqual(['2025-12-31', '2026-02-28']);
			}
		);
	},
	120_000
);
