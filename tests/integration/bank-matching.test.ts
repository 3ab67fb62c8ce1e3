import type { Kysely } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../../src/lib/server/db/schema.ts';
import { migrateToLatest } from '../../src/lib/server/db/migrate.ts';
import { commitImport } from '../../src/lib/server/imports/commit.ts';
import { previewImport } from '../../src/lib/server/imports/preview.ts';
import type { ImportFormat } from '../../src/lib/imports/import-row.ts';
import { FIRST_KID_NUMBER, isPersonalKid, kidForNumber } from '../../src/lib/supporters/kid.ts';
import { engines, type TestDatabase } from './databases.ts';

// Bank gifts find their supporter once: by the personal KID every supporter has.

const dnbHeader = '"Dato";"Forklaring";"Rentedato";"Ut fra konto";"Inn på konto"';
const dnbCsv = (...lines: string[]) => [dnbHeader, ...lines].join('\r\n') + '\r\n';

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
		'records a bank row carrying a known KID to its supporter with no choice from staff',
		async () => {
			const homa = await addSupporter('Homa Wardak');
			// Two supporters of the same name: the KID, not the name, decides.
			await addSupporter('Homa Wardak');
			const content = dnbCsv(
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
});
