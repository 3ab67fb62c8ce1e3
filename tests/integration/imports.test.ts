import { readFileSync } from 'node:fs';
import path from 'node:path';
import { sql, type Kysely } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../../src/lib/server/db/schema.ts';
import { migrateToLatest } from '../../src/lib/server/db/migrate.ts';
import { findImportBatch, listImportBatches } from '../../src/lib/server/imports/batches.ts';
import { commitImport } from '../../src/lib/server/imports/commit.ts';
import { previewImport, shownPreview } from '../../src/lib/server/imports/preview.ts';
import { decodeImportFile } from '../../src/lib/server/imports/import-file.ts';
import type { ImportFormat } from '../../src/lib/imports/import-row.ts';
import { engines, type TestDatabase } from './databases.ts';

const fixture = (name: string) => readFileSync(path.resolve('tests/fixtures', name), 'utf8');

const file = (format: ImportFormat, fileName: string) => ({
	format,
	fileName,
	content: fixture(fileName)
});

async function countRows(db: Kysely<Database>) {
	const count = async (table: 'contribution' | 'supporter' | 'import_batch' | 'audit_log') =>
		Number(
			(
				await db
					.selectFrom(table)
					.select((eb) => eb.fn.countAll().as('n'))
					.executeTakeFirstOrThrow()
			).n
		);
	return {
		contributions: await count('contribution'),
		supporters: await count('supporter'),
		batches: await count('import_batch'),
		audit: await count('audit_log')
	};
}

describe.each(engines)('imports on $name', ({ create, available }) => {
	let test: TestDatabase;
	let db: Kysely<Database>;
	let staffUserId: string;
	const ids: Record<string, string> = {};

	beforeAll(async () => {
		if (!available) return;
		test = await create();
		db = test.db;
		await migrateToLatest(db);
		staffUserId = (
			await db
				.insertInto('staff_user')
				.values({ email: 'kari@dawatmedia.no', name: 'Kari', password_hash: 'x', role: 'staff' })
				.returning('id')
				.executeTakeFirstOrThrow()
		).id;
		const supporters = [
			{
				key: 'laila',
				name: 'Laila Ahmadi',
				email: 'laila.ahmadi@example.no',
				phone: '+47 412 34 567',
				reference: '1004217'
			},
			{
				key: 'mohammad',
				name: 'Mohammad Karimi',
				email: 'm.karimi@example.com',
				phone: '91234567',
				reference: '1004324'
			},
			{
				key: 'ingrid',
				name: 'Ingrid Nilsen',
				email: 'ingrid.nilsen@example.no',
				phone: null,
				reference: '1004431'
			},
			{
				key: 'sahar',
				name: 'Sahar Noori',
				email: 'sahar@example.org',
				phone: null,
				reference: '1004548'
			},
			{ key: 'farid', name: 'Farid Rahimi', email: null, phone: '+47 934 56 789', reference: null },
			{ key: 'oyvind', name: 'Øyvind Berg', email: null, phone: null, reference: null }
		];
		for (const { key, ...supporter } of supporters) {
			ids[key] = (
				await db.insertInto('supporter').values(supporter).returning('id').executeTakeFirstOrThrow()
			).id;
		}
	});
	afterAll(async () => {
		await test?.drop();
	});

	const commit = (input: ReturnType<typeof file>, choices: Record<number, string> = {}) =>
		commitImport(db, { ...input, staffUserId, requestId: 'req-1', choices });

	it.skipIf(!available)(
		'previews a camt.053 statement with the expected matches and saves nothing',
		async () => {
			const before = await countRows(db);
			const preview = await previewImport(db, file('camt053', 'camt053-dnb.xml'));
			expect(preview.fileError).toBeNull();
			expect(preview.malformed).toEqual([]);
			expect(preview.skipped).toEqual({ outgoing: 1, not_booked: 1 });
			expect(
				preview.rows.map((row) => [
					row.payerName,
					row.match.supporterId,
					row.match.reason,
					row.match.isCertain
				])
			).toEqual([
				['LAILA AHMADI', ids.laila, 'reference', true],
				['Mohammad Karimi', ids.mohammad, 'reference', true],
				['Ingrid Nilsen', ids.ingrid, 'reference', true],
				['Ahmad Zia Popal', null, 'none', false],
				['OYVIND BERG', ids.oyvind, 'name', false],
				['Sahar Noori', ids.sahar, 'name', false]
			]);
			expect(preview.rows.every((row) => !row.isDuplicate)).toBe(true);
			expect(preview.rows[3].defaultChoice).toBe('new');
			expect(preview.rows[0].options[0]).toMatchObject({ id: ids.laila, name: 'Laila Ahmadi' });
			expect(await countRows(db)).toEqual(before);
		}
	);

	it.skipIf(!available)(
		'imports a camt.053 statement in one batch, and the same file again adds nothing',
		async () => {
			const before = await countRows(db);
			const result = await commit(file('camt053', 'camt053-dnb.xml'));
			expect(result).toMatchObject({
				ok: true,
				rowCount: 6,
				createdCount: 6,
				duplicateCount: 0,
				newSupporterCount: 1,
				skippedCount: 0
			});
			if (!result.ok) return;
			const gifts = await db
				.selectFrom('contribution')
				.selectAll()
				.where('import_batch_id', '=', result.batchId)
				.orderBy('external_reference')
				.execute();
			expect(gifts).toHaveLength(6);
			expect(gifts.every((g) => g.channel === 'bank_transfer' && g.kind === 'one_off')).toBe(true);
			expect(gifts.every((g) => g.status === 'succeeded' && g.recorded_by === staffUserId)).toBe(
				true
			);
			const laila = gifts.find((g) => g.external_reference === 'NO1505302294668:98100530011');
			expect(laila).toMatchObject({
				supporter_id: ids.laila,
				amount_minor: 150000,
				currency: 'NOK',
				payment_reference: '1004217'
			});
			expect(laila?.received_at.toISOString().slice(0, 10)).toBe('2025-03-03');
			const euro = gifts.find((g) => g.external_reference === 'NO8305302294676:98100530011');
			expect(euro).toMatchObject({ supporter_id: ids.sahar, amount_minor: 5000, currency: 'EUR' });
			const newcomer = await db
				.selectFrom('supporter')
				.selectAll()
				.where('name', '=', 'Ahmad Zia Popal')
				.executeTakeFirstOrThrow();
			expect(gifts.find((g) => g.supporter_id === newcomer.id)?.note).toBe(
				'Gave til Dawat Takk for nyhetene'
			);
			const after = await countRows(db);
			expect(after).toEqual({
				contributions: before.contributions + 6,
				supporters: before.supporters + 1,
				batches: before.batches + 1,
				audit: before.audit + 1
			});
			const audit = await db
				.selectFrom('audit_log')
				.selectAll()
				.where('entity_id', '=', result.batchId)
				.executeTakeFirstOrThrow();
			expect(audit).toMatchObject({
				action: 'import.commit',
				entity_type: 'import_batch',
				staff_user_id: staffUserId,
				request_id: 'req-1'
			});

			const preview = await previewImport(db, file('camt053', 'camt053-dnb.xml'));
			expect(preview.rows.every((row) => row.isDuplicate)).toBe(true);
			expect(preview.previousImports.map((p) => p.id)).toEqual([result.batchId]);
			const again = await commit(file('camt053', 'camt053-dnb.xml'));
			expect(again).toMatchObject({
				ok: true,
				createdCount: 0,
				duplicateCount: 6,
				newSupporterCount: 0
			});
			const afterAgain = await countRows(db);
			expect(afterAgain.contributions).toBe(after.contributions);
			expect(afterAgain.supporters).toBe(after.supporters);
		}
	);

	it.skipIf(!available)(
		'imports a DNB CSV export, leaving out the Vipps payout, and remembers its columns',
		async () => {
			const preview = await previewImport(db, file('bank_csv', 'bank-dnb.csv'));
			expect(preview.csv).toMatchObject({
				delimiter: ';',
				mapping: { date: 0, amount: 4, message: 1 },
				isRemembered: false
			});
			expect(
				preview.rows.map((row) => [
					row.line,
					row.match.supporterId,
					row.match.reason,
					row.defaultChoice
				])
			).toEqual([
				[2, ids.laila, 'reference', ids.laila],
				[4, ids.mohammad, 'reference', ids.mohammad],
				[5, null, 'none', 'new'],
				[6, null, 'none', 'new'],
				[7, null, 'none', 'skip']
			]);
			expect(preview.rows[4].isLikelyPayout).toBe(true);

			const before = await countRows(db);
			const result = await commit(file('bank_csv', 'bank-dnb.csv'));
			// Laila's and Mohammad's transfers came in from the camt.053 statement of the same
			// account above: the same transfers, so they are not recorded again.
			expect(result).toMatchObject({
				ok: true,
				rowCount: 5,
				createdCount: 2,
				duplicateCount: 2,
				skippedCount: 1,
				// Zahra Hosseini's two gifts, her name read from DNB's text column: one supporter.
				newSupporterCount: 1
			});
			if (result.ok) {
				expect(await findImportBatch(db, result.batchId)).toMatchObject({
					rowCount: 5,
					createdCount: 2,
					skippedCount: 1,
					newSupporterCount: 1
				});
				const created = await db
					.selectFrom('supporter')
					.innerJoin('contribution', 'contribution.supporter_id', 'supporter.id')
					.select('supporter.name')
					.distinct()
					.where('contribution.import_batch_id', '=', result.batchId)
					.execute();
				expect(created.map((s) => s.name)).toEqual(['Zahra Hosseini']);
			}
			expect((await countRows(db)).contributions).toBe(before.contributions + 2);
			const again = await commit(file('bank_csv', 'bank-dnb.csv'));
			expect(again).toMatchObject({
				ok: true,
				createdCount: 0,
				duplicateCount: 4,
				newSupporterCount: 0
			});
			expect((await countRows(db)).contributions).toBe(before.contributions + 2);

			const remembered = await db.selectFrom('import_mapping').selectAll().execute();
			expect(remembered.map((r) => r.mapping)).toContainEqual({
				date: '0',
				amount: '4',
				message: '1'
			});
		}
	);

	it.skipIf(!available)(
		'uses the mapping staff chose last time for a bank layout it does not know',
		async () => {
			const content = 'När;Vad;Summa\n2025-04-02;Gave fra Nadia;300,00\n';
			const input = { format: 'bank_csv' as const, fileName: 'other-bank.csv', content };
			const first = await previewImport(db, input);
			expect(first.fileError).toEqual({ reason: 'mapping_incomplete' });
			const mapping = { date: 0, amount: 2, message: 1 };
			const result = await commitImport(db, { ...input, mapping, staffUserId, choices: {} });
			expect(result).toMatchObject({ ok: true, createdCount: 1 });
			const later = await previewImport(db, input);
			expect(later.csv).toMatchObject({ mapping, isRemembered: true });
			expect(later.rows[0].isDuplicate).toBe(true);
		}
	);

	it.skipIf(!available)(
		'matches an ISO CSV by email, phone, KID and a close name, and keeps markup as text',
		async () => {
			const preview = await previewImport(db, file('bank_csv', 'bank-iso.csv'));
			expect(
				preview.rows.map((row) => [row.payerName, row.match.supporterId, row.match.reason])
			).toEqual([
				['Ingrid Nilsen', ids.ingrid, 'email'],
				['Farid Rahimi', ids.farid, 'phone'],
				['Sahar Noori', ids.sahar, 'reference'],
				['<script>alert("x")</script>', null, 'none'],
				['Mohamad Karimy', ids.mohammad, 'name']
			]);
			const result = await commit(file('bank_csv', 'bank-iso.csv'));
			expect(result).toMatchObject({ ok: true, createdCount: 5, newSupporterCount: 1 });
			const scripted = await db
				.selectFrom('supporter')
				.innerJoin('contribution', 'contribution.supporter_id', 'supporter.id')
				.select(['supporter.name', 'contribution.note'])
				.where('contribution.external_reference', '=', 'NO-TX-500105')
				.executeTakeFirstOrThrow();
			expect(scripted).toEqual({ name: '<script>alert("x")</script>', note: '<b>hei</b>' });
			const euro = await db
				.selectFrom('contribution')
				.selectAll()
				.where('external_reference', '=', 'NO-TX-500103')
				.executeTakeFirstOrThrow();
			expect(euro).toMatchObject({ supporter_id: ids.sahar, amount_minor: 2500, currency: 'EUR' });
		}
	);

	it.skipIf(!available)(
		'imports a Vipps settlement report with fees, on the Vipps channel',
		async () => {
			const preview = await previewImport(db, file('vipps_csv', 'vipps-settlement.csv'));
			expect(preview.skipped).toEqual({ not_a_sale: 1 });
			expect(
				preview.rows.map((row) => [row.payerName, row.match.supporterId, row.match.reason])
			).toEqual([
				['Farid Rahimi', ids.farid, 'name'],
				['Sahar Noori', ids.sahar, 'reference'],
				['Nadia Sultani', null, 'none'],
				['Ingrid Nilsen', ids.ingrid, 'name']
			]);
			const before = await countRows(db);
			const result = await commit(file('vipps_csv', 'vipps-settlement.csv'));
			expect(result).toMatchObject({
				ok: true,
				createdCount: 4,
				duplicateCount: 0,
				newSupporterCount: 1
			});
			const sahar = await db
				.selectFrom('contribution')
				.selectAll()
				.where('channel', '=', 'vipps')
				.where('external_reference', '=', '2201459112')
				.executeTakeFirstOrThrow();
			expect(sahar).toMatchObject({
				supporter_id: ids.sahar,
				amount_minor: 50000,
				fee_minor: 500,
				net_minor: 49500
			});
			expect(await commit(file('vipps_csv', 'vipps-settlement.csv'))).toMatchObject({
				ok: true,
				createdCount: 0,
				duplicateCount: 4
			});
			expect((await countRows(db)).contributions).toBe(before.contributions + 4);
		}
	);

	it.skipIf(!available)(
		'follows the choices staff made, grouping a new payer’s rows into one supporter',
		async () => {
			const content = [
				'Date,Amount,Transaction ID,Name,Message',
				'2025-05-02,100.00,CH-1,Laila Ahmadi,Gave',
				'2025-05-03,100.00,CH-2,Hamid Safi,Gave',
				'2025-05-04,100.00,CH-3,Hamid Safi,Gave'
			].join('\n');
			const input = { format: 'bank_csv' as const, fileName: 'choices.csv', content };
			const before = await countRows(db);
			const result = await commitImport(db, {
				...input,
				staffUserId,
				choices: { 2: ids.ingrid, 3: 'new', 4: 'new' }
			});
			expect(result).toMatchObject({ ok: true, createdCount: 3, newSupporterCount: 1 });
			const owners = await db
				.selectFrom('contribution')
				.select(['external_reference', 'supporter_id'])
				.where('external_reference', 'in', ['CH-1', 'CH-2', 'CH-3'])
				.orderBy('external_reference')
				.execute();
			expect(owners[0].supporter_id).toBe(ids.ingrid);
			expect(owners[1].supporter_id).toBe(owners[2].supporter_id);
			expect((await countRows(db)).supporters).toBe(before.supporters + 1);
		}
	);

	it.skipIf(!available)(
		'refuses a choice of a supporter that does not exist and saves nothing',
		async () => {
			const content = 'Date,Amount,Transaction ID,Name\n2025-05-05,100.00,UNK-1,Someone\n';
			const before = await countRows(db);
			const result = await commitImport(db, {
				format: 'bank_csv',
				fileName: 'unknown.csv',
				content,
				staffUserId,
				choices: { 2: '00000000-0000-4000-8000-000000000000' }
			});
			expect(result).toEqual({ ok: false, reason: 'unknown_supporters', lines: [2] });
			const tampered = await commitImport(db, {
				format: 'bank_csv',
				fileName: 'unknown.csv',
				content,
				staffUserId,
				choices: { 2: "x'; drop table supporter; --" }
			});
			expect(tampered).toEqual({ ok: false, reason: 'unknown_supporters', lines: [2] });
			expect(await countRows(db)).toEqual(before);
		}
	);

	it.skipIf(!available)(
		'reports malformed rows with their lines and saves nothing from such a file',
		async () => {
			const cases = [
				[file('bank_csv', 'bank-malformed.csv'), [3, 4, 6]],
				[file('camt053', 'camt053-malformed.xml'), [16, 23, 30, 37]],
				[file('vipps_csv', 'vipps-malformed.csv'), [3, 4, 5]]
			] as const;
			for (const [input, lines] of cases) {
				const preview = await previewImport(db, input);
				expect(preview.malformed.map((m) => m.line)).toEqual(lines);
				const before = await countRows(db);
				const result = await commit(input);
				expect(result).toMatchObject({ ok: false, reason: 'malformed_rows' });
				expect(await countRows(db)).toEqual(before);
			}
		}
	);

	it.skipIf(!available)('lists past batches, newest first, with what each added', async () => {
		const batches = await listImportBatches(db);
		expect(batches[0]).toMatchObject({
			format: 'bank_csv',
			fileName: 'choices.csv',
			staffName: 'Kari'
		});
		const camt = batches.filter((b) => b.fileName === 'camt053-dnb.xml');
		expect(camt.map((b) => [b.createdCount, b.duplicateCount])).toEqual([
			[0, 6],
			[6, 0]
		]);
		const detail = await findImportBatch(db, camt[1].id);
		expect(detail).toMatchObject({ newSupporterCount: 1, createdCount: 6 });
		expect(detail?.contributions).toHaveLength(6);
	});

	it.skipIf(!available)(
		'asks for receipts when staff tick it, only for new gifts of supporters with an email',
		async () => {
			const receipts = async (references: string[]) =>
				Object.fromEntries(
					(
						await db
							.selectFrom('contribution')
							.select(['external_reference', 'receipt_requested'])
							.where('external_reference', 'in', references)
							.execute()
					).map((row) => [row.external_reference, row.receipt_requested])
				);
			const mapping = { date: 0, amount: 1, reference: 2, name: 3, email: 4 };
			const header = 'Date,Amount,Transaction ID,Name,Email';
			const earlier = '2025-06-01,200.00,RC-0,Laila Ahmadi,';
			const unticked = await commitImport(db, {
				format: 'bank_csv',
				fileName: 'no-receipts.csv',
				content: [header, earlier].join('\n'),
				mapping,
				staffUserId,
				choices: { 2: ids.laila }
			});
			expect(unticked).toMatchObject({ ok: true, createdCount: 1 });
			expect(await receipts(['RC-0'])).toEqual({ 'RC-0': false });

			const ticked = await commitImport(db, {
				format: 'bank_csv',
				fileName: 'receipts.csv',
				content: [
					header,
					earlier,
					'2025-06-02,200.00,RC-1,Laila Ahmadi,',
					'2025-06-03,200.00,RC-2,Øyvind Berg,',
					'2025-06-04,200.00,RC-3,Nadia Karimi,nadia.karimi@example.org',
					'2025-06-05,200.00,RC-4,Kontant innsamling,'
				].join('\n'),
				mapping,
				staffUserId,
				choices: { 3: ids.laila, 4: ids.oyvind, 5: 'new', 6: 'new' },
				sendReceipts: true
			});
			expect(ticked).toMatchObject({ ok: true, createdCount: 4, duplicateCount: 1 });
			// Laila and the newcomer have addresses; Øyvind and the collection box do not. RC-0 was
			// recorded before, without a receipt, and stays as it was.
			expect(await receipts(['RC-0', 'RC-1', 'RC-2', 'RC-3', 'RC-4'])).toEqual({
				'RC-0': false,
				'RC-1': true,
				'RC-2': false,
				'RC-3': true,
				'RC-4': false
			});
			if (ticked.ok) {
				const audit = await db
					.selectFrom('audit_log')
					.select('after')
					.where('entity_id', '=', ticked.batchId)
					.executeTakeFirstOrThrow();
				expect(audit.after).toMatchObject({ sendReceipts: true });
			}
		}
	);

	it.skipIf(!available)(
		'saves what the preview suggested for the rows its page left out, for that file only',
		async () => {
			const content = [
				'Date,Amount,Transaction ID,Name,Message',
				'2025-07-01,150.00,HS-1,Laila Ahmadi,Gave',
				'2025-07-02,150.00,HS-2,Farid Noori,Gave'
			].join('\n');
			const input = { format: 'bank_csv' as const, fileName: 'hidden.csv', content };
			const mapping = { date: 0, amount: 1, reference: 2, name: 3, message: 4 };
			// A page that shows one row carries the other's suggestion: Farid Noori is new.
			const shown = shownPreview(await previewImport(db, { ...input, mapping }), 1);
			expect(shown.rows.map((row) => row.line)).toEqual([2]);
			const carried = JSON.parse(decodeImportFile(shown.hiddenSuggestions)!);
			expect(carried.choices).toEqual({ 3: 'new' });

			// Made for another file (or other columns), the carried suggestions are worked out again.
			const elsewhere = await commitImport(db, {
				...input,
				mapping,
				staffUserId,
				choices: { 2: ids.laila },
				hiddenSuggestions: { ...carried, fileSha256: '0'.repeat(64), choices: { 3: ids.ingrid } }
			});
			expect(elsewhere).toMatchObject({ ok: true, createdCount: 2, newSupporterCount: 1 });

			// Made for this file, they are saved as they are, without working anything out again.
			const again = {
				...input,
				content: content.replaceAll('HS-', 'HT-').replaceAll('2025-07', '2025-08'),
				mapping,
				staffUserId,
				choices: { 2: ids.laila }
			};
			const fileSha256 = (await previewImport(db, again)).fileSha256;
			const result = await commitImport(db, {
				...again,
				hiddenSuggestions: { fileSha256, mapping, choices: { 3: ids.ingrid } }
			});
			expect(result).toMatchObject({ ok: true, createdCount: 2, newSupporterCount: 0 });
			const owner = await db
				.selectFrom('contribution')
				.select('supporter_id')
				.where('external_reference', '=', 'HT-2')
				.executeTakeFirstOrThrow();
			expect(owner.supporter_id).toBe(ids.ingrid);
		}
	);

	it.skipIf(!available)(
		'shows a row staff chose not to import as skipped by them next time, not as new',
		async () => {
			const transfers = [
				'Date,Amount,Transaction ID,Name,Message',
				'2025-09-01,900.00,SK-1,Egen konto,Overføring mellom egne kontoer',
				'2025-09-02,120.00,SK-2,Laila Ahmadi,Gave'
			];
			const mapping = { date: 0, amount: 1, reference: 2, name: 3, message: 4 };
			const first = await commitImport(db, {
				format: 'bank_csv',
				fileName: 'september.csv',
				content: transfers.join('\n'),
				mapping,
				staffUserId,
				choices: { 2: 'skip', 3: ids.laila }
			});
			expect(first).toMatchObject({ ok: true, createdCount: 1, skippedCount: 1 });

			// The next statement overlaps the first: the skipped row is offered as skipped, by Kari.
			const next = {
				format: 'bank_csv' as const,
				fileName: 'september-oktober.csv',
				content: [...transfers, '2025-10-01,120.00,SK-3,Laila Ahmadi,Gave'].join('\n'),
				mapping
			};
			const preview = await previewImport(db, next);
			const skipped = preview.rows.find((row) => row.transactionReference === 'SK-1')!;
			expect(skipped).toMatchObject({
				isDuplicate: false,
				defaultChoice: 'skip',
				skippedBefore: { staffName: 'Kari' }
			});
			expect(preview.rows.find((row) => row.transactionReference === 'SK-3')?.skippedBefore).toBe(
				null
			);
			const second = await commitImport(db, { ...next, staffUserId, choices: {} });
			expect(second).toMatchObject({ ok: true, createdCount: 1, skippedCount: 1 });
			const moved = await db
				.selectFrom('contribution')
				.select('external_reference')
				.where('external_reference', '=', 'SK-1')
				.execute();
			expect(moved).toEqual([]);
		}
	);

	it.skipIf(!available)(
		'finds every supporter a long statement names by KID, past the first two thousand',
		async () => {
			const known = (
				await sql<{ kid: string }>`
					insert into supporter (name)
					select 'Fast Giver ' || n from generate_series(1, 2500) as n
					returning kid`.execute(db)
			).rows;
			const content = [
				'Date,Amount,Transaction ID,KID,Message',
				...known.map((row, i) => `2025-11-03,100.00,KL-${i},${row.kid},Gave`)
			].join('\n');
			const preview = await previewImport(db, {
				format: 'bank_csv',
				fileName: 'november.csv',
				content,
				mapping: { date: 0, amount: 1, reference: 2, kid: 3, message: 4 }
			});
			expect(preview.rows).toHaveLength(2500);
			expect(preview.rows.filter((row) => row.match.reason !== 'reference')).toEqual([]);
		}
	);

	it.skipIf(!available)(
		'leaves every supporter’s totals and the day totals as counting all the gifts again gives',
		async () => {
			// Imports count their new supporters and gifts once per statement, not per row: the
			// summaries must come out as if every gift had been counted one by one.
			const summaries = async () => ({
				giving: (
					await sql<object>`select supporter_id, last_gift_at, gift_count, channels
						from supporter_giving order by supporter_id`.execute(db)
				).rows,
				totals: (
					await sql<object>`select supporter_id, currency, total_minor, gift_count
						from supporter_total order by supporter_id, currency`.execute(db)
				).rows,
				days: (
					await sql<object>`select day, currency, channel, kind, status,
							sum(gift_count)::int as gifts, sum(amount_minor)::bigint as amount
						from contribution_daily_total group by 1, 2, 3, 4, 5
						having sum(gift_count) <> 0 order by 1, 2, 3, 4, 5`.execute(db)
				).rows
			});
			const kept = await summaries();
			expect(kept.giving.length).toBeGreaterThan(5);
			await sql`select komak_rebuild_giving_summaries()`.execute(db);
			expect(await summaries()).toEqual(kept);
		}
	);
});
