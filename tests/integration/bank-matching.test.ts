import type { Kysely } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../../src/lib/server/db/schema.ts';
import { migrateToLatest } from '../../src/lib/server/db/migrate.ts';
import { commitImport } from '../../src/lib/server/imports/commit.ts';
import { previewImport } from '../../src/lib/server/imports/preview.ts';
import type { ImportFormat } from '../../src/lib/imports/import-row.ts';
import {
	FIRST_KID_NUMBER,
	formatKid,
	isPersonalKid,
	kidForNumber
} from '../../src/lib/supporters/kid.ts';
import { findSupporterCandidates } from '../../src/lib/server/supporters/search.ts';
import { mergeSupporters } from '../../src/lib/server/supporters/merge.ts';
import { recordManualGift } from '../../src/lib/server/giving/manual-gifts.ts';
import { camt053, dnbCsv, type Transfer } from './bank-files.ts';
import { engines, type TestDatabase } from './databases.ts';

// Bank gifts find their supporter once: by the personal KID every supporter has.

const dnbHeader = '"Dato";"Forklaring";"Rentedato";"Ut fra konto";"Inn på konto"';
const dnbLines = (...lines: string[]) => [dnbHeader, ...lines].join('\r\n') + '\r\n';

describe.each(engines)('personal KIDs on $name', ({ create, available }) => {
	let test: TestDatabase;
	let db: Kysely<Database>;
	let staffUserId: string;

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
	});
	afterAll(async () => {
		await test?.drop();
	});

	const addSupporter = (name: string) =>
		db.insertInto('supporter').values({ name }).returningAll().executeTakeFirstOrThrow();

	const commit = (format: ImportFormat, fileName: string, content: string) =>
		commitImport(db, { format, fileName, content, staffUserId, choices: {} });

	it.skipIf(!available)(
		'gives every new supporter the next KID of the sequence, with the check digit the code computes',
		async () => {
			const first = await addSupporter('Nadia Sultani');
			const second = await addSupporter('Nadia Sultani');
			expect(isPersonalKid(first.kid)).toBe(true);
			const number = Number(first.kid.slice(0, -1));
			expect(number).toBeGreaterThanOrEqual(FIRST_KID_NUMBER);
			expect(first.kid).toBe(kidForNumber(number));
			expect(second.kid).toBe(kidForNumber(number + 1));
		}
	);

	it.skipIf(!available)(
		'never hands out a KID twice, even after a supporter is deleted',
		async () => {
			const gone = await addSupporter('Temporary');
			await db.deleteFrom('supporter').where('id', '=', gone.id).execute();
			const next = await addSupporter('Next');
			expect(next.kid).not.toBe(gone.kid);
			await expect(
				db.updateTable('supporter').set({ kid: next.kid }).where('id', '!=', next.id).execute()
			).rejects.toThrow();
		}
	);

	it.skipIf(!available)(
		'finds a supporter by a phone typed with spaces or +47, and by a KID typed in groups',
		async () => {
			const farid = await db
				.insertInto('supporter')
				.values({ name: 'Farid Rahimi', phone: '+4793456789' })
				.returningAll()
				.executeTakeFirstOrThrow();
			for (const query of ['934 56 789', '+47 934 56 789', '93456789', formatKid(farid.kid)]) {
				const found = await findSupporterCandidates(db, query);
				expect(found.map((supporter) => supporter.id)).toContain(farid.id);
			}
		}
	);

	it.skipIf(!available)(
		'records a bank row carrying a known KID to its supporter with no choice from staff',
		async () => {
			const homa = await addSupporter('Homa Wardak');
			// Two supporters of the same name: the KID, not the name, decides.
			await addSupporter('Homa Wardak');
			const content = dnbLines(
				`"12.05.2026";"Giro ${homa.kid} HOMA WARDAK";"12.05.2026";"";"750,00"`
			);
			const preview = await previewImport(db, { format: 'bank_csv', fileName: 'kid.csv', content });
			expect(preview.rows[0].match).toEqual({
				supporterId: homa.id,
				reason: 'reference',
				isCertain: true
			});
			expect(preview.rows[0].defaultChoice).toBe(homa.id);
			const result = await commit('bank_csv', 'kid.csv', content);
			expect(result).toMatchObject({ ok: true, createdCount: 1, newSupporterCount: 0 });
			const gifts = await db
				.selectFrom('contribution')
				.select(['supporter_id', 'amount_minor'])
				.where('supporter_id', '=', homa.id)
				.execute();
			expect(gifts).toEqual([{ supporter_id: homa.id, amount_minor: 75000 }]);
		}
	);

	it.skipIf(!available)(
		'records a transfer still paying with a merged-away KID to the supporter it was merged into',
		async () => {
			const kept = await addSupporter('Zahra Karimi');
			const mergedAway = await addSupporter('Zahra K.');
			const merge = await mergeSupporters(
				db,
				{ keptId: kept.id, otherId: mergedAway.id },
				{ staffUserId }
			);
			expect(merge.ok).toBe(true);
			// Her bank kept the saved payment with the old KID, as a KID field and in the text.
			const content = dnbLines(
				`"03.06.2026";"Giro ${mergedAway.kid} ZAHRA KARIMI";"03.06.2026";"";"400,00"`,
				`"04.06.2026";"Overføring Innland Zahra K. KID ${mergedAway.kid}";"04.06.2026";"";"150,00"`
			);
			const preview = await previewImport(db, {
				format: 'bank_csv',
				fileName: 'merged.csv',
				content
			});
			expect(preview.rows.map((row) => [row.match.supporterId, row.match.isCertain])).toEqual([
				[kept.id, true],
				[kept.id, true]
			]);
			const result = await commit('bank_csv', 'merged.csv', content);
			expect(result).toMatchObject({ ok: true, createdCount: 2, newSupporterCount: 0 });
			const gifts = await db
				.selectFrom('contribution')
				.select(['supporter_id', 'amount_minor'])
				.where('supporter_id', 'in', [kept.id, mergedAway.id])
				.orderBy('amount_minor')
				.execute();
			expect(gifts).toEqual([
				{ supporter_id: kept.id, amount_minor: 15000 },
				{ supporter_id: kept.id, amount_minor: 40000 }
			]);
		}
	);

	it.skipIf(!available)(
		'asks before recording a transfer staff already typed in by hand: never doubled, never dropped unasked',
		async () => {
			const wahid = await addSupporter('Wahid Rahimi');
			const typedIn = await recordManualGift(
				db,
				{
					channel: 'bank_transfer',
					receivedOn: '2026-06-10',
					amountMinor: 50000,
					currency: 'NOK',
					reference: null,
					note: 'He phoned to say he had paid',
					supporter: { id: wahid.id },
					reason: '',
					sendReceipt: false
				},
				{ staffUserId, requestId: 'test' }
			);
			if (!typedIn.ok) throw new Error('not recorded');
			const content = dnbLines(
				`"10.06.2026";"Giro ${wahid.kid} WAHID RAHIMI";"10.06.2026";"";"500,00"`
			);
			const preview = await previewImport(db, {
				format: 'bank_csv',
				fileName: 'june.csv',
				content
			});
			expect(preview.rows[0]).toMatchObject({
				isDuplicate: false,
				isWaiting: true,
				defaultChoice: '',
				handRecordedTwin: { id: typedIn.contribution.id }
			});
			const giftsOfWahid = () =>
				db.selectFrom('contribution').select('id').where('supporter_id', '=', wahid.id).execute();

			// Not silently doubled: with no choice the import is refused and names the line.
			expect(await commit('bank_csv', 'june.csv', content)).toEqual({
				ok: false,
				reason: 'choices_missing',
				lines: [preview.rows[0].line]
			});
			// "It is the same transfer": the row is left out, the gift typed in stays the only one.
			const same = await commitImport(db, {
				format: 'bank_csv',
				fileName: 'june.csv',
				content,
				staffUserId,
				choices: { [preview.rows[0].line]: 'skip' }
			});
			expect(same).toMatchObject({ ok: true, createdCount: 0, skippedCount: 1 });
			expect(await giftsOfWahid()).toHaveLength(1);
			// "It is another gift": staff choose him, and it is recorded beside the first.
			const another = await commitImport(db, {
				format: 'bank_csv',
				fileName: 'june.csv',
				content,
				staffUserId,
				choices: { [preview.rows[0].line]: wahid.id }
			});
			expect(another).toMatchObject({ ok: true, createdCount: 1 });
			expect(await giftsOfWahid()).toHaveLength(2);
		}
	);
});

describe.each(engines)(
	'the same bank transfers from camt.053 and from CSV on $name',
	({ create, available }) => {
		let test: TestDatabase;
		let db: Kysely<Database>;
		let staffUserId: string;
		let homa: { id: string; kid: string };
		let ingrids: string[];

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
			homa = await db
				.insertInto('supporter')
				.values({ name: 'Homa Wardak' })
				.returning(['id', 'kid'])
				.executeTakeFirstOrThrow();
			ingrids = [];
			for (const email of ['ingrid.nilsen@example.no', 'ingrid@nilsen.example.org']) {
				ingrids.push(
					(
						await db
							.insertInto('supporter')
							.values({ name: 'Ingrid Nilsen', email })
							.returning('id')
							.executeTakeFirstOrThrow()
					).id
				);
			}
		});
		afterAll(async () => {
			await test?.drop();
		});

		/** Four transfers of one month: a KID, a name two supporters share, and two newcomers. */
		const transfers = (month: string): Transfer[] => [
			{
				bookedOn: `2026-${month}-04`,
				amount: '500.00',
				payerName: 'HOMA WARDAK',
				kid: homa.kid,
				message: '',
				dnbText: `Giro ${homa.kid} HOMA WARDAK`,
				archiveReference: `${month}0400001`
			},
			{
				bookedOn: `2026-${month}-05`,
				amount: '250.00',
				payerName: 'INGRID NILSEN',
				message: 'Gave til Dawat',
				dnbText: 'Overføring Innland Ingrid Nilsen Gave til Dawat',
				archiveReference: `${month}0500002`
			},
			{
				bookedOn: `2026-${month}-05`,
				amount: '250.00',
				payerName: 'OYVIND BERG',
				message: 'Til Dawat',
				dnbText: 'Nettgiro Fra: OYVIND BERG Til Dawat',
				archiveReference: `${month}0500003`
			},
			{
				bookedOn: `2026-${month}-07`,
				amount: '1200.00',
				payerName: 'Nadia Sultani',
				message: 'Takk for nyhetene',
				dnbText: 'Straksbetaling Nadia Sultani Takk for nyhetene',
				archiveReference: `${month}0700004`
			}
		];

		const importFile = async (format: ImportFormat, fileName: string, content: string) => {
			const preview = await previewImport(db, { format, fileName, content });
			expect(preview.fileError).toBeNull();
			// Staff settle the rows that wait (the Ingrid who gave before), and take the rest as offered.
			const choices = Object.fromEntries(
				preview.rows.filter((row) => row.isWaiting).map((row) => [row.line, ingrids[0]])
			);
			const result = await commitImport(db, {
				format,
				fileName,
				content,
				staffUserId,
				choices
			});
			expect(result.ok).toBe(true);
			return { preview, result };
		};

		const giftsIn = async (month: string) =>
			db
				.selectFrom('contribution')
				.innerJoin('supporter', 'supporter.id', 'contribution.supporter_id')
				.select(['supporter.name', 'supporter.id', 'contribution.amount_minor'])
				.where('contribution.received_at', '>=', new Date(`2026-${month}-01T00:00:00Z`))
				.where('contribution.received_at', '<', new Date(`2026-${month}-28T00:00:00Z`))
				.orderBy('contribution.received_at')
				.orderBy('contribution.amount_minor')
				.orderBy('supporter.name')
				.execute();

		it.skipIf(!available)(
			'records 4 gifts, not 8, from camt.053 (001.02) first and then DNB’s CSV',
			async () => {
				const month = transfers('05');
				const first = await importFile('camt053', 'dnb-mai.xml', camt053(month, '02'));
				expect(first.result).toMatchObject({ createdCount: 4, newSupporterCount: 2 });
				const second = await importFile('bank_csv', 'dnb-mai.csv', dnbCsv(month));
				expect(second.result).toMatchObject({ createdCount: 0, duplicateCount: 4 });
				expect(second.preview.rows.every((row) => row.isDuplicate)).toBe(true);
				expect(second.preview.rows[0].recorded).toMatchObject({
					fileName: 'dnb-mai.xml',
					isOtherFormat: true
				});
				expect((await giftsIn('05')).map((gift) => [gift.name, gift.amount_minor])).toEqual([
					['Homa Wardak', 50000],
					['Ingrid Nilsen', 25000],
					['Oyvind Berg', 25000],
					['Nadia Sultani', 120000]
				]);
			}
		);

		it.skipIf(!available)(
			'records 4 gifts, not 8, from DNB’s CSV first and then camt.053 (001.08), with named supporters',
			async () => {
				const june = transfers('06');
				const first = await importFile('bank_csv', 'dnb-juni.csv', dnbCsv(june));
				// Oyvind Berg and Nadia Sultani are known since May: nobody new, nobody "(no name)".
				expect(first.result).toMatchObject({ createdCount: 4, newSupporterCount: 0 });
				expect(first.preview.rows.map((row) => row.payerName)).toEqual([
					'HOMA WARDAK',
					'Ingrid Nilsen',
					'OYVIND BERG',
					'Nadia Sultani'
				]);
				const second = await importFile('camt053', 'dnb-juni.xml', camt053(june, '08'));
				expect(second.result).toMatchObject({ createdCount: 0, duplicateCount: 4 });
				const gifts = await giftsIn('06');
				expect(gifts.map((gift) => [gift.name, gift.amount_minor])).toEqual([
					['Homa Wardak', 50000],
					['Ingrid Nilsen', 25000],
					['Oyvind Berg', 25000],
					['Nadia Sultani', 120000]
				]);
				expect(gifts[0].id).toBe(homa.id);
				expect(gifts[1].id).toBe(ingrids[0]);
				const supporters = await db.selectFrom('supporter').select('name').execute();
				expect(supporters.filter((s) => s.name === '' || s.name === '(no name)')).toEqual([]);
				expect(supporters.filter((s) => s.name === 'Ingrid Nilsen')).toHaveLength(2);
			}
		);

		it.skipIf(!available)(
			'reads the format from the file: a statement chosen as CSV, and a CSV chosen as camt.053, still import',
			async () => {
				const august = transfers('08');
				const statement = await previewImport(db, {
					format: 'bank_csv',
					fileName: 'aug.xml',
					content: camt053(august, '08')
				});
				expect(statement).toMatchObject({ format: 'camt053', chosenFormat: 'bank_csv' });
				expect(statement.fileError).toBeNull();
				expect(statement.rows).toHaveLength(4);
				const csv = await previewImport(db, {
					format: 'camt053',
					fileName: 'aug.csv',
					content: dnbCsv(august)
				});
				expect(csv).toMatchObject({ format: 'bank_csv', fileError: null });
				expect(csv.rows).toHaveLength(4);
			}
		);

		it.skipIf(!available)(
			'lets a name two supporters share wait for staff, showing both with their last gift',
			async () => {
				const july = transfers('07');
				const content = dnbCsv(july);
				const preview = await previewImport(db, {
					format: 'bank_csv',
					fileName: 'juli.csv',
					content
				});
				const ingridRow = preview.rows.find((row) => row.payerName === 'Ingrid Nilsen')!;
				expect(ingridRow).toMatchObject({ isWaiting: true, defaultChoice: '' });
				expect(ingridRow.options.map((option) => option.id).sort()).toEqual([...ingrids].sort());
				expect(ingridRow.options.find((o) => o.id === ingrids[0])?.lastGift).toMatchObject({
					amountMinor: 25000,
					currency: 'NOK'
				});
				expect(ingridRow.options.find((o) => o.id === ingrids[1])?.lastGift).toBeNull();
				const refused = await commitImport(db, {
					format: 'bank_csv',
					fileName: 'juli.csv',
					content,
					staffUserId,
					choices: {}
				});
				expect(refused).toEqual({ ok: false, reason: 'choices_missing', lines: [ingridRow.line] });
				expect(await giftsIn('07')).toEqual([]);
			}
		);
	}
);
