import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql, type Kysely } from 'kysely';
import { parse } from 'csv-parse/sync';
import {
	parseContributionFilters,
	parseSupporterFilters,
	type ContributionFilters
} from '../../src/lib/lists/filters.ts';
import { recordGift } from '../../src/lib/server/giving/contributions.ts';
import { contributionTotals, listContributions } from '../../src/lib/server/lists/contributions.ts';
import { loadDashboard } from '../../src/lib/server/lists/dashboard.ts';
import type { Database, NewContribution } from '../../src/lib/server/db/schema.ts';
import {
	contributionsCsv,
	recordExport,
	supportersCsv
} from '../../src/lib/server/lists/exports.ts';
import { migrateToLatest } from '../../src/lib/server/db/migrate.ts';
import {
	contributionCsvColumns,
	supporterCsvColumns,
	supporterTotalColumn,
	type CsvColumn
} from '../../src/lib/lists/csv-columns.ts';
import { listSupporters } from '../../src/lib/server/lists/supporters.ts';
import { setOwnContactConsent } from '../../src/lib/server/supporters/supporters.ts';
import { engines, type TestDatabase } from './databases.ts';

// The admin's supporter and contribution lists, dashboard and CSV exports, on a small data set
// whose every figure is known. "Now" is fixed at 15 June 2026, noon in Oslo.
const NOW = new Date('2026-06-15T10:00:00Z');
const FILLERS = 23;

const supporterFilters = (query = '') => parseSupporterFilters(new URLSearchParams(query)).filters;
const contributionFilters = (query = '') =>
	parseContributionFilters(new URLSearchParams(query)).filters;

/** An Excel export's rows by each column's fixed key, after checking the header names them all. */
function excelRows(text: string, columns: readonly CsvColumn[]): Record<string, string>[] {
	const [header, ...rows] = parse(text, { bom: true, delimiter: ';' }) as string[][];
	expect(header).toHaveLength(columns.length);
	return rows.map((row) => Object.fromEntries(columns.map((column, i) => [column.key, row[i]])));
}

async function csvText(chunks: AsyncIterable<Uint8Array>): Promise<string> {
	const parts: Buffer[] = [];
	for await (const chunk of chunks) parts.push(Buffer.from(chunk));
	return Buffer.concat(parts).toString('utf8');
}

describe.each(engines)(
	'admin lists on $name',
	({ create, available }) => {
		let test: TestDatabase;
		let db: Kysely<Database>;
		const ids: Record<string, string> = {};

		async function addSupporter(key: string, values: Parameters<typeof insertSupporter>[1]) {
			ids[key] = await insertSupporter(db, values);
		}

		async function gift(supporter: string, values: Partial<NewContribution> & { at: string }) {
			const { at, ...rest } = values;
			return recordGift(db, {
				supporter_id: ids[supporter],
				channel: 'card',
				kind: 'one_off',
				amount_minor: 10000,
				currency: 'NOK',
				status: 'succeeded',
				received_at: new Date(at),
				external_reference: `ref-${supporter}-${at}-${values.channel ?? 'card'}-${values.amount_minor ?? 10000}`,
				...rest
			});
		}

		beforeAll(async () => {
			if (!available) return;
			test = await create();
			db = test.db;
			await migrateToLatest(db);

			await addSupporter('laila', {
				name: 'Laila Ahmadi',
				email: 'laila@example.com',
				phone: '+4791234567',
				reference: '1234567',
				tags: ['newsletter']
			});
			await addSupporter('ola', {
				name: 'Ola Nordmann',
				email: 'ola@example.no',
				phone: '+47 400 00 000'
			});
			await addSupporter('script', {
				name: 'Ahmad; "Quote" <script>alert(1)</script>',
				email: 'script@example.com'
			});
			await addSupporter('zahra', {
				name: 'Zahra Noori',
				email: 'zahra@example.com',
				tags: ['board']
			});
			await addSupporter('old', { name: 'Old Laila', email: 'old.laila@example.com' });
			await addSupporter('erased', { name: '', email: null });
			for (let i = 1; i <= FILLERS; i++)
				await addSupporter(`filler${i}`, {
					name: `Filler ${String(i).padStart(2, '0')}`,
					email: `filler${i}@example.org`
				});

			await gift('laila', { at: '2026-06-03T09:00:00Z', amount_minor: 25000 });
			await gift('laila', { at: '2026-02-10T09:00:00Z', amount_minor: 10000, channel: 'vipps' });
			// A bank transfer staff typed in: its day is known, not its hour.
			await gift('laila', {
				at: '2026-06-05T12:00:00Z',
				is_date_only: true,
				amount_minor: 1500,
				currency: 'EUR',
				channel: 'bank_transfer'
			});
			await gift('laila', {
				at: '2026-06-04T09:00:00Z',
				amount_minor: 50000,
				channel: 'cash',
				status: 'voided',
				void_reason: 'Entered twice'
			});
			await gift('laila', {
				at: '2026-05-20T09:00:00Z',
				amount_minor: 30000,
				status: 'partially_refunded',
				refunded_minor: 10000
			});
			await gift('ola', {
				at: '2025-08-01T09:00:00Z',
				amount_minor: 100000,
				channel: 'bank_transfer',
				external_reference: 'NO-BANK-2025-08-01-001'
			});
			await gift('ola', { at: '2025-06-20T09:00:00Z', amount_minor: 5000, channel: 'cash' });
			await gift('ola', { at: '2026-06-10T09:00:00Z', amount_minor: 20000, status: 'failed' });
			await gift('zahra', {
				at: '2026-06-01T09:00:00Z',
				amount_minor: 1000,
				currency: 'USD',
				kind: 'monthly'
			});
			await gift('script', { at: '2026-03-03T09:00:00Z', amount_minor: 12345, channel: 'vipps' });
			await gift('erased', { at: '2026-04-01T09:00:00Z', amount_minor: 7000, channel: 'cash' });
			await gift('old', { at: '2026-04-02T09:00:00Z', amount_minor: 4000, channel: 'cash' });
			for (let i = 1; i <= FILLERS; i++)
				await gift(`filler${i}`, {
					at: `2026-01-${String(i).padStart(2, '0')}T09:00:00Z`,
					amount_minor: 1000 * i,
					channel: 'cash'
				});

			// Old Laila was merged into Laila: her gift moves, she is hidden. The erased supporter's
			// personal data is gone; the amount stays.
			await db
				.updateTable('contribution')
				.set({ supporter_id: ids.laila })
				.where('supporter_id', '=', ids.old)
				.execute();
			await db
				.updateTable('supporter')
				.set({ merged_into: ids.laila })
				.where('id', '=', ids.old)
				.execute();
			await db
				.updateTable('supporter')
				.set({ erased_at: new Date('2026-05-01T00:00:00Z') })
				.where('id', '=', ids.erased)
				.execute();

			await db
				.insertInto('recurring_plan')
				.values([
					{
						supporter_id: ids.zahra,
						channel: 'card',
						amount_minor: 1000,
						currency: 'USD',
						status: 'active',
						external_id: 'sub_zahra'
					},
					{
						supporter_id: ids.ola,
						channel: 'card',
						amount_minor: 20000,
						currency: 'NOK',
						status: 'past_due',
						external_id: 'sub_ola',
						last_failure_reason: 'Your card was declined.'
					},
					{
						supporter_id: ids.script,
						channel: 'vipps',
						amount_minor: 5000,
						currency: 'NOK',
						status: 'canceled',
						external_id: 'vipps_script'
					}
				])
				.execute();
			await sql`update supporter set created_at = '2026-01-01T00:00:00Z'`.execute(db);
			await sql`update supporter set created_at = '2026-06-02T00:00:00Z' where id = ${ids.zahra}`.execute(
				db
			);
		});

		afterAll(async () => {
			await test?.drop();
		});

		const names = (rows: { name: string }[]) => rows.map((row) => row.name);

		it.skipIf(!available)('finds supporters by name, email, phone and reference', async () => {
			const search = async (q: string) =>
				names((await listSupporters(db, supporterFilters(`q=${encodeURIComponent(q)}`))).rows);
			expect(await search('laila')).toEqual(['Laila Ahmadi']);
			expect(await search('AHMADI')).toEqual(['Laila Ahmadi']);
			expect(await search('laila ahmadi')).toEqual(['Laila Ahmadi']);
			expect(await search('example.no')).toEqual(['Ola Nordmann']);
			expect(await search('91234567')).toEqual(['Laila Ahmadi']);
			expect(await search('+47 400 00')).toEqual(['Ola Nordmann']);
			expect(await search('1234567')).toEqual(['Laila Ahmadi']);
			// One or two letters: the start of the name or email.
			expect(await search('ol')).toEqual(['Ola Nordmann']);
			expect(await search('z')).toEqual(['Zahra Noori']);
			// LIKE's wildcards are only themselves.
			expect(await search('%')).toEqual([]);
			expect(await search('l_ila')).toEqual([]);
			expect(await search('no such person')).toEqual([]);
		});

		it.skipIf(!available)('hides merged supporters and names erased ones as erased', async () => {
			const everyone = await listSupporters(db, supporterFilters(), 100);
			expect(everyone.count).toEqual({ value: 4 + FILLERS + 1, isMore: false });
			expect(names(everyone.rows)).not.toContain('Old Laila');
			const erased = everyone.rows.find((row) => row.id === ids.erased);
			expect(erased).toMatchObject({
				isErased: true,
				totals: [{ currency: 'NOK', totalMinor: 7000 }]
			});
		});

		it.skipIf(!available)(
			'pages through supporters, forwards and back, showing each exactly once',
			async () => {
				for (const query of [
					'sort=name',
					'sort=name&dir=desc',
					'sort=created',
					'sort=last_gift',
					'sort=total',
					'sort=total&dir=asc&currency=EUR',
					'channel=cash&sort=name',
					'channel=cash&sort=last_gift&dir=asc'
				]) {
					const filters = supporterFilters(query);
					const expected = (await listSupporters(db, filters, 100)).rows.map((row) => row.id);
					const forwards: string[][] = [];
					let page = await listSupporters(db, filters, 4);
					forwards.push(page.rows.map((row) => row.id));
					while (page.nextCursor) {
						page = await listSupporters(
							db,
							supporterFilters(`${query}&cursor=${page.nextCursor}`),
							4
						);
						forwards.push(page.rows.map((row) => row.id));
					}
					expect(forwards.flat(), query).toEqual(expected);
					const backwards: string[][] = [forwards.at(-1)!];
					while (page.previousCursor) {
						page = await listSupporters(
							db,
							supporterFilters(`${query}&cursor=${page.previousCursor}`),
							4
						);
						backwards.unshift(page.rows.map((row) => row.id));
					}
					expect(backwards, query).toEqual(forwards);
				}
			}
		);

		it.skipIf(!available)(
			'filters supporters by channel, monthly gift, last gift, total given and tag',
			async () => {
				const list = async (query: string) =>
					names((await listSupporters(db, supporterFilters(query), 100)).rows);
				expect(await list('channel=vipps')).toEqual([
					'Ahmad; "Quote" <script>alert(1)</script>',
					'Laila Ahmadi'
				]);
				expect(await list('monthly=yes')).toEqual(['Zahra Noori']);
				expect(await list('monthly=no&q=ol')).toEqual(['Ola Nordmann']);
				// Ola's last counted gift is the one of August 2025 (June 2026's failed).
				expect(await list('last_gift_from=2025-08-01&last_gift_to=2025-08-01')).toEqual([
					'Ola Nordmann'
				]);
				expect(await list('total_min=500&currency=NOK')).toEqual(['Laila Ahmadi', 'Ola Nordmann']);
				expect(await list('total_min=1000&currency=NOK')).toEqual(['Ola Nordmann']);
				// Laila: 250 + 100 + 200 (300 less 100 refunded) + 40 (Old Laila's) = 590 NOK; the
				// voided 500 does not count.
				expect(await list('total_min=590&total_max=590')).toEqual(['Laila Ahmadi']);
				expect(await list('total_min=15&total_max=15&currency=EUR')).toEqual(['Laila Ahmadi']);
				// At most 10 NOK: those who gave less, and those who never gave in NOK.
				expect(await list('total_max=10&q=o')).toEqual([]);
				expect(await list('total_max=10&sort=name')).toEqual(['Filler 01', 'Zahra Noori']);
				expect(await list('tag=board')).toEqual(['Zahra Noori']);
				expect(await list('tag=newsletter&channel=card')).toEqual(['Laila Ahmadi']);
			}
		);
		async function everyContribution(filters: ContributionFilters) {
			return (await listContributions(db, filters, { pageSize: 1000 })).rows;
		}

		it.skipIf(!available)(
			'pages through contributions, forwards and back, showing each exactly once',
			async () => {
				for (const query of [
					'',
					'sort=received&dir=asc',
					'sort=amount',
					'sort=amount&dir=asc',
					'channel=cash',
					'currency=NOK&from=2026-01-01&to=2026-06-30'
				]) {
					const expected = (await everyContribution(contributionFilters(query))).map(
						(row) => row.id
					);
					const forwards: string[][] = [];
					let page = await listContributions(db, contributionFilters(query), { pageSize: 5 });
					forwards.push(page.rows.map((row) => row.id));
					while (page.nextCursor) {
						page = await listContributions(
							db,
							contributionFilters(`${query}&cursor=${page.nextCursor}`),
							{ pageSize: 5 }
						);
						forwards.push(page.rows.map((row) => row.id));
					}
					expect(forwards.flat(), query).toEqual(expected);
					expect(new Set(expected).size).toBe(expected.length);
					const backwards: string[][] = [forwards.at(-1)!];
					while (page.previousCursor) {
						page = await listContributions(
							db,
							contributionFilters(`${query}&cursor=${page.previousCursor}`),
							{ pageSize: 5 }
						);
						backwards.unshift(page.rows.map((row) => row.id));
					}
					expect(backwards, query).toEqual(forwards);
				}
			}
		);

		it.skipIf(!available)('filters contributions the way the list offers', async () => {
			const amounts = async (query: string) =>
				(await everyContribution(contributionFilters(query))).map(
					(row) => `${row.currency} ${row.amountMinor} ${row.status}`
				);
			expect(await amounts('status=voided')).toEqual(['NOK 50000 voided']);
			expect(await amounts('currency=EUR')).toEqual(['EUR 1500 succeeded']);
			expect(await amounts('kind=monthly')).toEqual(['USD 1000 succeeded']);
			expect(await amounts('channel=vipps&sort=amount&dir=asc')).toEqual([
				'NOK 10000 succeeded',
				'NOK 12345 succeeded'
			]);
			// Dates are days in Oslo, both ends included.
			expect(await amounts('from=2026-06-03&to=2026-06-04')).toEqual([
				'NOK 50000 voided',
				'NOK 25000 succeeded'
			]);
			expect(await amounts('amount_min=240&amount_max=300&currency=NOK')).toEqual([
				'NOK 25000 succeeded',
				'NOK 30000 partially_refunded'
			]);
			expect(await amounts(`supporter=${ids.zahra}`)).toEqual(['USD 1000 succeeded']);
			// The search finds a gift by its own reference, else by its supporter.
			expect(await amounts('q=NO-BANK-2025-08-01-001')).toEqual(['NOK 100000 succeeded']);
			expect(await amounts('q=zahra')).toEqual(['USD 1000 succeeded']);
			expect(await amounts('q=nobody+at+all')).toEqual([]);
			const [first] = await everyContribution(contributionFilters('q=ola&status=failed'));
			expect(first.supporter).toMatchObject({ id: ids.ola, name: 'Ola Nordmann', isErased: false });
			const [erased] = await everyContribution(contributionFilters(`supporter=${ids.erased}`));
			expect(erased.supporter.isErased).toBe(true);
		});

		it.skipIf(!available)(
			'adds up totals per currency, net of refunds, without voided or failed gifts',
			async () => {
				const fillers = (FILLERS * (FILLERS + 1) * 1000) / 2;
				const nok = 25000 + 10000 + 20000 + 4000 + 100000 + 5000 + 12345 + 7000 + fillers;
				const all = await contributionTotals(db, contributionFilters());
				expect(all).toEqual({
					currencies: [
						{ currency: 'EUR', giftCount: 1, netMinor: 1500 },
						{ currency: 'NOK', giftCount: 8 + FILLERS, netMinor: nok },
						{ currency: 'USD', giftCount: 1, netMinor: 1000 }
					],
					listedCount: 12 + FILLERS
				});
				// The daily totals and the gifts themselves agree, whichever answers.
				for (const query of [
					'channel=card',
					'status=voided',
					'status=partially_refunded',
					'from=2026-01-01&to=2026-03-31',
					'currency=NOK&kind=one_off&from=2025-06-20&to=2025-08-01'
				]) {
					const fromDays = await contributionTotals(db, contributionFilters(query));
					const fromGifts = await contributionTotals(
						db,
						contributionFilters(`${query}&amount_min=0`)
					);
					expect(fromDays, query).toEqual(fromGifts);
				}
				expect(await contributionTotals(db, contributionFilters('q=laila'))).toEqual({
					currencies: [
						{ currency: 'EUR', giftCount: 1, netMinor: 1500 },
						{ currency: 'NOK', giftCount: 4, netMinor: 59000 }
					],
					listedCount: 6
				});
			}
		);

		it.skipIf(!available)(
			'keeps each supporter’s facts right as gifts are refunded, voided, moved and deleted',
			async () => {
				const facts = async (key: string) => {
					const giving = await db
						.selectFrom('supporter_giving')
						.selectAll()
						.where('supporter_id', '=', ids[key])
						.executeTakeFirstOrThrow();
					const totals = await db
						.selectFrom('supporter_total')
						.select(['currency', 'total_minor', 'gift_count'])
						.where('supporter_id', '=', ids[key])
						.where('gift_count', '>', 0)
						.orderBy('currency')
						.execute();
					return { ...giving, totals };
				};
				const { contribution } = await gift('zahra', {
					at: '2026-06-12T09:00:00Z',
					amount_minor: 4000,
					channel: 'vipps'
				});
				expect(await facts('zahra')).toMatchObject({
					gift_count: 2,
					channels: ['card', 'vipps'],
					last_gift_at: new Date('2026-06-12T09:00:00Z'),
					totals: [
						{ currency: 'NOK', total_minor: 4000, gift_count: 1 },
						{ currency: 'USD', total_minor: 1000, gift_count: 1 }
					]
				});
				// Refunded: no longer counts; the last gift and channels go back.
				await db
					.updateTable('contribution')
					.set({ status: 'refunded', refunded_minor: 4000 })
					.where('id', '=', contribution.id)
					.execute();
				expect(await facts('zahra')).toMatchObject({
					gift_count: 1,
					channels: ['card'],
					last_gift_at: new Date('2026-06-01T09:00:00Z'),
					totals: [{ currency: 'USD', total_minor: 1000, gift_count: 1 }]
				});
				// Moved to another supporter (a merge) and deleted: both sides follow.
				await db
					.updateTable('contribution')
					.set({ status: 'succeeded', refunded_minor: 0, supporter_id: ids.ola })
					.where('id', '=', contribution.id)
					.execute();
				expect((await facts('ola')).channels).toEqual(['bank_transfer', 'cash', 'vipps']);
				expect((await facts('zahra')).gift_count).toBe(1);
				await db.deleteFrom('contribution').where('id', '=', contribution.id).execute();
				expect(await facts('ola')).toMatchObject({
					channels: ['bank_transfer', 'cash'],
					last_gift_at: new Date('2025-08-01T09:00:00Z'),
					totals: [{ currency: 'NOK', total_minor: 105000, gift_count: 2 }]
				});
				// The daily totals followed every step.
				expect(await contributionTotals(db, contributionFilters('channel=vipps'))).toEqual(
					await contributionTotals(db, contributionFilters('channel=vipps&amount_min=0'))
				);
			}
		);

		it.skipIf(!available)('shows the dashboard’s figures for a known month', async () => {
			const dashboard = await loadDashboard(db, NOW);
			expect(dashboard).toMatchObject({
				today: '2026-06-15',
				monthStart: '2026-06-01',
				yearStart: '2026-01-01',
				twelveMonthsStart: '2025-07-01',
				newSupportersThisMonth: 1,
				monthly: {
					activeSupporters: 1,
					byCurrency: [{ currency: 'USD', planCount: 1, amountMinor: 1000 }]
				}
			});
			expect(dashboard.months).toHaveLength(12);
			expect(dashboard.months[0]).toBe('2025-07');
			expect(dashboard.months[11]).toBe('2026-06');

			const fillers = (FILLERS * (FILLERS + 1) * 1000) / 2;
			const nok = dashboard.currencies.find((c) => c.currency === 'NOK')!;
			// June: Laila's 250 (the voided 500 and Ola's failed 200 do not count).
			expect(nok.thisMonth).toEqual({ giftCount: 1, netMinor: 25000 });
			// This year: + 100 (Feb) + 200 net (May) + 123.45 (Mar) + 70 (erased, Apr) + 40 (Apr) + fillers (Jan).
			const yearToDate = 25000 + 10000 + 20000 + 12345 + 7000 + 4000 + fillers;
			expect(nok.yearToDate).toEqual({ giftCount: 6 + FILLERS, netMinor: yearToDate });
			// 12 months from July 2025: + Ola's 1,000 of August; his 50 of June 2025 is older.
			expect(nok.last12Months).toEqual({ giftCount: 7 + FILLERS, netMinor: yearToDate + 100000 });
			expect(nok.byChannel.find((c) => c.channel === 'card')?.last12Months).toEqual({
				giftCount: 2,
				netMinor: 45000
			});
			expect(nok.monthlyNetMinor[1]).toBe(100000);
			expect(nok.monthlyNetMinor[11]).toBe(25000);
			expect(dashboard.currencies.find((c) => c.currency === 'EUR')?.thisMonth).toEqual({
				giftCount: 1,
				netMinor: 1500
			});
			expect(dashboard.currencies.find((c) => c.currency === 'USD')?.last12Months).toEqual({
				giftCount: 1,
				netMinor: 1000
			});
			expect(dashboard.attention).toMatchObject({
				pastDueCount: 1,
				pastDueByCurrency: [{ currency: 'NOK', count: 1, amountMinor: 20000 }],
				pastDuePlans: [
					{ supporterId: ids.ola, amountMinor: 20000, lastFailureReason: 'Your card was declined.' }
				],
				failedSince: '2026-05-16',
				// Ola's failed gift of June was a one-off: the list is of monthly payments.
				failedCount: 0,
				failedByCurrency: [],
				failedPayments: []
			});
		});

		it.skipIf(!available)(
			'exports contributions as CSV that Excel in Norway reads as numbers and dates, in words',
			async () => {
				const text = await csvText(
					contributionsCsv(db, contributionFilters('sort=received&dir=asc'))
				);
				expect(
					text.startsWith(
						'\uFEFFGift ID;Received (Central European Time);Status;One-off or monthly;Channel;Currency;Amount;'
					)
				).toBe(true);
				const rows = excelRows(text, contributionCsvColumns);
				expect(rows).toHaveLength(12 + FILLERS);
				// What Norwegian Excel takes for a number and for a date (or date and time) in a cell.
				for (const row of rows) {
					expect(row.amount).toMatch(/^\d+,\d{2}$/);
					expect(row.received_at).toMatch(/^\d{4}-\d{2}-\d{2}( \d{2}:\d{2})?$/);
				}
				const script = rows.find((row) => row.supporter_id === ids.script)!;
				expect(script).toMatchObject({
					supporter_name: 'Ahmad; "Quote" <script>alert(1)</script>',
					amount: '123,45',
					currency: 'NOK',
					channel: 'Vipps',
					status: 'Received',
					kind: 'One-off',
					anonymous: 'No',
					// 09:00 UTC is 10:00 in Oslo in March.
					received_at: '2026-03-03 10:00'
				});
				expect(text).toContain('"Ahmad; ""Quote"" <script>alert(1)</script>"');
				expect(rows.find((row) => row.status === 'Partly refunded')).toMatchObject({
					amount: '300,00',
					refunded: '100,00',
					received_at: '2026-05-20 11:00'
				});
				expect(rows.find((row) => row.status === 'Voided')?.void_reason).toBe('Entered twice');
				expect(rows.find((row) => row.supporter_id === ids.erased)).toMatchObject({
					supporter_erased: 'Yes'
				});
				const filtered = await csvText(contributionsCsv(db, contributionFilters('currency=EUR')));
				// A gift known by its day alone has no made-up hour.
				expect(excelRows(filtered, contributionCsvColumns)).toEqual([
					expect.objectContaining({
						currency: 'EUR',
						amount: '15,00',
						channel: 'Bank transfer',
						received_at: '2026-06-05'
					})
				]);
			}
		);

		it.skipIf(!available)(
			'exports contributions for Excel in the words of a staff member who reads Dari',
			async () => {
				const text = await csvText(
					contributionsCsv(db, contributionFilters('currency=EUR'), { locale: 'fa-AF' })
				);
				const [header, ...rows] = parse(text, { bom: true, delimiter: ';' }) as string[][];
				expect(header.slice(0, 7)).toEqual([
					'شناسهٔ کمک',
					'زمان دریافت (وقت مرکز اروپا)',
					'وضعیت',
					'یک‌باره یا ماهوار',
					'روش پرداخت',
					'واحد پول',
					'مبلغ'
				]);
				expect(header).toContain('نام حامی');
				// No English, but the link's own utm_* names in brackets.
				expect(header.join(' ').replace(/\(utm_[a-z]+\)/g, '')).not.toMatch(/[A-Za-z]/);
				expect(rows).toHaveLength(1);
				expect(Object.fromEntries(header.map((name, i) => [name, rows[0][i]]))).toMatchObject({
					وضعیت: 'دریافت شده',
					'یک‌باره یا ماهوار': 'یک‌باره',
					'روش پرداخت': 'انتقال بانکی',
					'واحد پول': 'EUR',
					// Digits and the decimal comma stay as Excel reads a number.
					مبلغ: '15,00',
					ناشناس: 'نخیر',
					'زمان دریافت (وقت مرکز اروپا)': '2026-06-05'
				});
			}
		);

		it.skipIf(!available)(
			'exports contributions as standard CSV for tools: fixed keys and codes, decimal points, ISO 8601 in UTC',
			async () => {
				// The staff member's language changes nothing a tool reads.
				const text = await csvText(
					contributionsCsv(db, contributionFilters('sort=received&dir=asc'), {
						dialect: 'standard',
						locale: 'fa-AF'
					})
				);
				expect(text.startsWith('id,received_at,status,kind,channel,currency,amount,')).toBe(true);
				const rows: Record<string, string>[] = parse(text, { columns: true, delimiter: ',' });
				expect(rows).toHaveLength(12 + FILLERS);
				expect(rows.find((row) => row.supporter_id === ids.script)).toMatchObject({
					supporter_name: 'Ahmad; "Quote" <script>alert(1)</script>',
					amount: '123.45',
					channel: 'vipps',
					status: 'succeeded',
					kind: 'one_off',
					anonymous: 'false',
					received_at: '2026-03-03T09:00:00.000000Z'
				});
				expect(rows.find((row) => row.currency === 'EUR')).toMatchObject({
					amount: '15.00',
					channel: 'bank_transfer',
					received_at: '2026-06-05'
				});
				expect(rows.find((row) => row.supporter_id === ids.erased)?.supporter_erased).toBe('true');
			}
		);

		it.skipIf(!available)('exports supporters with their totals per currency', async () => {
			const text = await csvText(supportersCsv(db, supporterFilters('sort=name')));
			expect(text).toContain(';Total given, EUR;Total given, NOK;Total given, USD\r\n');
			const rows = excelRows(text, [
				...supporterCsvColumns,
				...['EUR', 'NOK', 'USD'].map(supporterTotalColumn)
			]);
			expect(rows).toHaveLength(4 + FILLERS + 1);
			expect(rows.find((row) => row.name === 'Laila Ahmadi')).toMatchObject({
				email: 'laila@example.com',
				phone: '+4791234567',
				reference: '1234567',
				tags: 'newsletter',
				total_NOK: '590,00',
				total_EUR: '15,00',
				total_USD: '',
				channels: 'Bank transfer, Card, Cash, Vipps',
				active_monthly: 'No'
			});
			expect(rows.map((row) => row.name)).not.toContain('Old Laila');
			expect(rows.find((row) => row.id === ids.erased)).toMatchObject({ erased: 'Yes', name: '' });

			const inPashto = await csvText(
				supportersCsv(db, supporterFilters('sort=name'), { locale: 'ps' })
			);
			const [header, ...lines] = parse(inPashto, { bom: true, delimiter: ';' }) as string[][];
			expect(header.slice(0, 3)).toEqual(['د ملاتړي پېژند', 'نوم', 'برېښنالیک']);
			expect(header.slice(-3)).toEqual([
				'ټوله ورکړل شوې، EUR',
				'ټوله ورکړل شوې، NOK',
				'ټوله ورکړل شوې، USD'
			]);
			const laila = lines.find((line) => line[1] === 'Laila Ahmadi')!;
			expect(laila[header.indexOf('د تادیې لارې')]).toBe('بانکي لېږد، کارت، نغدې پیسې، Vipps');
			expect(laila[header.indexOf('فعاله میاشتنۍ مرسته')]).toBe('نه');

			const standard = await csvText(
				supportersCsv(db, supporterFilters('sort=name'), { dialect: 'standard', locale: 'ps' })
			);
			expect(standard.split('\r\n')[0]).toBe(
				'id,name,email,phone,reference,country,preferred_locale,contact_consent,contact_consent_at,tags,erased,created_at,last_gift_at,gift_count,channels,active_monthly,total_EUR,total_NOK,total_USD'
			);
			expect(
				(parse(standard, { columns: true }) as Record<string, string>[]).find(
					(row) => row.name === 'Laila Ahmadi'
				)
			).toMatchObject({ channels: 'bank_transfer, card, cash, vipps', active_monthly: 'false' });
		});

		it.skipIf(!available)(
			'exports only those who may be contacted, and no longer a supporter who withdrew on My giving',
			async () => {
				const names = async (query: string) =>
					(
						parse(
							await csvText(supportersCsv(db, supporterFilters(query), { dialect: 'standard' })),
							{
								columns: true
							}
						) as Record<string, string>[]
					).map((row) => row.name);
				const giftEmails = async (query: string) =>
					(
						parse(
							await csvText(
								contributionsCsv(db, contributionFilters(query), { dialect: 'standard' })
							),
							{
								columns: true
							}
						) as Record<string, string>[]
					).map((row) => row.supporter_email);
				const wording = 'Tell me about our reporting and appeals by email';
				await setOwnContactConsent(db, ids.laila, { isGiven: true, wording });
				expect(await names('contact=yes')).toEqual(['Laila Ahmadi']);
				expect(await names('contact=no')).not.toContain('Laila Ahmadi');
				const contactable = await giftEmails('contact=yes');
				expect(contactable.length).toBeGreaterThan(0);
				expect(new Set(contactable)).toEqual(new Set(['laila@example.com']));

				await setOwnContactConsent(db, ids.laila, { isGiven: false });
				expect(await names('contact=yes')).toEqual([]);
				expect(await giftEmails('contact=yes')).toEqual([]);
				expect(await names('contact=no')).toContain('Laila Ahmadi');
				const laila = await db
					.selectFrom('supporter')
					.select(['has_contact_consent', 'contact_consent_source', 'contact_consent_withdrawn_at'])
					.where('id', '=', ids.laila)
					.executeTakeFirstOrThrow();
				expect(laila).toMatchObject({
					has_contact_consent: false,
					contact_consent_source: 'my_giving'
				});
				expect(laila.contact_consent_withdrawn_at).toBeInstanceOf(Date);
			}
		);

		it.skipIf(!available)('records who exported which list in the audit log', async () => {
			const staff = await db
				.insertInto('staff_user')
				.values({ email: 'export@example.com', password_hash: 'x', role: 'staff' })
				.returning('id')
				.executeTakeFirstOrThrow();
			await recordExport(db, {
				staffUserId: staff.id,
				list: 'contributions',
				query: '?currency=EUR&from=2026-01-01',
				requestId: 'req-1'
			});
			const entry = await db
				.selectFrom('audit_log')
				.selectAll()
				.where('staff_user_id', '=', staff.id)
				.executeTakeFirstOrThrow();
			expect(entry).toMatchObject({
				action: 'contributions.export',
				entity_type: 'contribution',
				after: { filters: { currency: 'EUR', from: '2026-01-01' } },
				request_id: 'req-1'
			});
		});
	},
	120_000
);

async function insertSupporter(
	db: Kysely<Database>,
	values: {
		name: string;
		email: string | null;
		phone?: string;
		reference?: string;
		tags?: string[];
	}
): Promise<string> {
	const row = await db
		.insertInto('supporter')
		.values(values)
		.returning('id')
		.executeTakeFirstOrThrow();
	return row.id;
}
