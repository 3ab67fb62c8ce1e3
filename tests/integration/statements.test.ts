import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql, type Kysely } from 'kysely';
import { extractText, getDocumentProxy } from 'unpdf';
import { sealSecret } from '../../src/lib/server/auth/secret-box.ts';
import { recordGift } from '../../src/lib/server/giving/contributions.ts';
import type { Database, NewContribution, NewSupporter } from '../../src/lib/server/db/schema.ts';
import { renderReceiptPdf } from '../../src/lib/server/documents/receipt-pdf.ts';
import { renderStatementPdf } from '../../src/lib/server/documents/statement-pdf.ts';
import { renderAttachment } from '../../src/lib/server/mail/attachments.ts';
import { migrateToLatest } from '../../src/lib/server/db/migrate.ts';
import {
	countStatementRecipients,
	driveStatementRun,
	processStatementBatch,
	startStatementRun
} from '../../src/lib/server/documents/statement-runs.ts';
import { listStatementYears, loadStatement } from '../../src/lib/server/documents/statements.ts';
import {
	buildTaxReport,
	recordTaxReportExport,
	taxReportCsv
} from '../../src/lib/server/documents/tax-report.ts';
import { engines, type TestDatabase } from './databases.ts';

process.env.KOMAK_SECRET_KEY ??= randomBytes(32).toString('base64');

let serial = 0;
const reference = () => `statement-test-${++serial}`;

async function supporter(db: Kysely<Database>, values: Partial<NewSupporter> = {}) {
	return db
		.insertInto('supporter')
		.values({ name: 'Someone', ...values })
		.returningAll()
		.executeTakeFirstOrThrow();
}

async function give(
	db: Kysely<Database>,
	supporterId: string,
	fields: Partial<NewContribution> & Pick<NewContribution, 'amount_minor' | 'received_at'>
) {
	const { contribution } = await recordGift(db, {
		supporter_id: supporterId,
		channel: 'bank_transfer',
		kind: 'one_off',
		currency: 'NOK',
		status: 'succeeded',
		external_reference: reference(),
		...fields
	});
	return contribution;
}

async function pdfText(content: Uint8Array): Promise<string> {
	const pdf = await getDocumentProxy(content);
	const { text } = await extractText(pdf, { mergePages: true });
	// pdf.js puts the spaces of a line where it sees gaps; compare words, not spacing.
	return text.replace(/\s+/g, ' ');
}

describe.each(engines)(
	'year-end statements, receipts and the tax report ($name)',
	({ create, available }) => {
		let test: TestDatabase;
		let staffUserId: string;

		beforeAll(async () => {
			if (!available) return;
			test = await create();
			await migrateToLatest(test.db);
			await test.db
				.updateTable('organisation')
				.set({ organisation_number: '974760673', contact_email: 'post@dawatmedia.no' })
				.execute();
			({ id: staffUserId } = await test.db
				.insertInto('staff_user')
				.values({ email: 'kari@dawat.no', password_hash: 'x', role: 'admin', name: 'Kari' })
				.returning('id')
				.executeTakeFirstOrThrow());
		});
		afterAll(async () => {
			await test?.drop();
		});

		it.skipIf(!available)(
			'totals each currency of a year apart, counting what was kept and listing refunds as refunded',
			async () => {
				const { db } = test;
				const zarmina = await supporter(db, {
					name: 'Zarmina Ahmadi',
					email: 'zarmina@example.no'
				});
				const on = (day: string) => new Date(`${day}T10:00:00Z`);
				await give(db, zarmina.id, { amount_minor: 25_000, received_at: on('2026-01-15') });
				await give(db, zarmina.id, {
					amount_minor: 15_050,
					received_at: on('2026-03-01'),
					channel: 'vipps'
				});
				await give(db, zarmina.id, {
					amount_minor: 1_500,
					currency: 'EUR',
					received_at: on('2026-04-01'),
					channel: 'card',
					kind: 'monthly'
				});
				await give(db, zarmina.id, {
					amount_minor: 40_000,
					refunded_minor: 40_000,
					status: 'refunded',
					received_at: on('2026-05-01'),
					channel: 'card'
				});
				await give(db, zarmina.id, {
					amount_minor: 50_000,
					refunded_minor: 20_000,
					status: 'partially_refunded',
					received_at: on('2026-06-01'),
					channel: 'card'
				});
				// Never gifts, or not this year's: none is listed.
				await give(db, zarmina.id, {
					amount_minor: 9_900,
					status: 'voided',
					received_at: on('2026-07-01')
				});
				await give(db, zarmina.id, {
					amount_minor: 8_800,
					status: 'failed',
					received_at: on('2026-07-02'),
					channel: 'card'
				});
				// 00:30 on 1 January 2027 in Oslo.
				await give(db, zarmina.id, {
					amount_minor: 7_700,
					received_at: new Date('2026-12-31T23:30:00Z')
				});
				await give(db, zarmina.id, { amount_minor: 6_600, received_at: on('2025-12-01') });

				const statement = await loadStatement(db, zarmina.id, 2026);
				expect(statement!.gifts.map((g) => [g.amountMinor, g.currency, g.status])).toEqual([
					[25_000, 'NOK', 'succeeded'],
					[15_050, 'NOK', 'succeeded'],
					[1_500, 'EUR', 'succeeded'],
					[40_000, 'NOK', 'refunded'],
					[50_000, 'NOK', 'partially_refunded']
				]);
				// The totals match the gifts themselves, summed by the database.
				const kept = await db
					.selectFrom('contribution')
					.select([
						'currency',
						sql<string>`sum(amount_minor - refunded_minor)`.as('total'),
						sql<string>`count(*)`.as('count')
					])
					.where('supporter_id', '=', zarmina.id)
					.where('status', 'in', ['succeeded', 'partially_refunded'])
					.where('received_at', '>=', new Date('2025-12-31T23:00:00Z'))
					.where('received_at', '<', new Date('2026-12-31T23:00:00Z'))
					.groupBy('currency')
					.orderBy('currency')
					.execute();
				expect(statement!.totals).toEqual(
					kept.map((row) => ({
						currency: row.currency,
						totalMinor: Number(row.total),
						count: Number(row.count)
					}))
				);
				expect(statement!.totals).toEqual([
					{ currency: 'EUR', totalMinor: 1_500, count: 1 },
					{ currency: 'NOK', totalMinor: 70_050, count: 3 }
				]);
				expect(await listStatementYears(db, zarmina.id)).toEqual([2027, 2026, 2025]);

				const english = await renderStatementPdf(db, zarmina.id, 2026, 'en');
				expect(english!.filename).toBe('statement-2026.pdf');
				const text = await pdfText(english!.content);
				expect(text).toContain('Year-end statement 2026');
				expect(text).toContain('Zarmina Ahmadi');
				expect(text).toContain('Organisation number 974 760 673');
				expect(text).toMatch(/15 January 2026 Bank transfer One-off gift NOK 250/);
				expect(text).toMatch(/1 May 2026 Card One-off gift NOK 400 Refunded/);
				expect(text).toContain('Partly refunded: NOK 200 returned');
				expect(text).toMatch(/EUR 1 €15/);
				expect(text).toMatch(/NOK 3 NOK 700\.50/);
				expect(text).not.toContain('NOK 99');
				expect(text).not.toContain('NOK 77');

				const norwegian = await pdfText(
					(await renderStatementPdf(db, zarmina.id, 2026, 'nb'))!.content
				);
				expect(norwegian).toContain('Årsoppgave 2026');
				expect(norwegian).toMatch(/15\. januar 2026 Bankoverføring Engangsgave 250 kr/);
				expect(norwegian).toContain('Tilbakebetalt');
				expect(norwegian).toMatch(/NOK 3 700,50 kr/);

				// Dari: the words come back whole (joined letters map back to their characters).
				const dari = await pdfText(
					(await renderStatementPdf(db, zarmina.id, 2026, 'fa-AF'))!.content
				);
				expect(dari).toContain('انتقال بانکی');
				expect(dari).toContain('بازپرداخت شده');
			}
		);

		it.skipIf(!available)(
			'makes a receipt for a gift that was given, and none for one that was not',
			async () => {
				const { db } = test;
				const farid = await supporter(db, { name: 'Farid Rahimi', email: 'farid@example.no' });
				const gift = await give(db, farid.id, {
					amount_minor: 50_000,
					received_at: new Date('2026-11-20T12:00:00Z'),
					channel: 'vipps',
					kind: 'monthly'
				});
				await db
					.updateTable('contribution')
					.set({ receipt_number: 123 })
					.where('id', '=', gift.id)
					.execute();
				const receipt = await renderAttachment(
					db,
					{ type: 'receipt', contributionId: gift.id },
					'en'
				);
				expect(receipt).toMatchObject({
					filename: 'receipt-2026-000123.pdf',
					contentType: 'application/pdf'
				});
				const text = await pdfText(receipt.content);
				for (const words of [
					'Dawat Media Center',
					'Receipt number 2026-000123',
					'Date received 20 November 2026',
					'Given by Farid Rahimi',
					'Amount NOK 500',
					'Paid by Vipps',
					'Type of gift Monthly gift'
				])
					expect(text).toContain(words);
				expect(text).not.toContain('Status');

				const norwegian = await pdfText((await renderReceiptPdf(db, gift.id, 'nb'))!.content);
				expect(norwegian).toContain('Kvitteringsnummer 2026-000123');
				expect(norwegian).toContain('Beløp 500 kr');

				const voided = await give(db, farid.id, {
					amount_minor: 1_000,
					status: 'voided',
					received_at: new Date('2026-11-21T12:00:00Z')
				});
				expect(await renderReceiptPdf(db, voided.id, 'en')).toBeNull();
				await expect(
					renderAttachment(db, { type: 'receipt', contributionId: voided.id }, 'en')
				).rejects.toThrow();
				const statement = await renderAttachment(
					db,
					{ type: 'statement', supporterId: farid.id, year: 2026 },
					'ps'
				);
				expect(statement.filename).toBe('statement-2026.pdf');
				// Pashto reads back in order, the joined lam-alef (لا) included.
				const pashto = await pdfText((await renderReceiptPdf(db, gift.id, 'ps'))!.content);
				expect(pashto).toContain('ستاسو د ملاتړ مننه');
				expect(pashto).toContain('2026-000123');
			}
		);

		it.skipIf(!available)(
			'sends each supporter who gave one statement, and a run stopped part way resumes without duplicates',
			async () => {
				const { db } = test;
				const year = 2024;
				const givers: Awaited<ReturnType<typeof supporter>>[] = [];
				for (let i = 0; i < 7; i++) {
					const s = await supporter(db, {
						name: `Giver ${i}`,
						email: `giver${i}@example.no`,
						preferred_locale: i === 0 ? 'fa-AF' : 'en'
					});
					await give(db, s.id, {
						amount_minor: 10_000 + i,
						received_at: new Date('2024-06-01T10:00:00Z')
					});
					givers.push(s);
				}
				// Not sent to: no email, erased, only a refunded gift, or gave another year.
				const walkIn = await supporter(db, { name: 'Walk-in' });
				await give(db, walkIn.id, {
					amount_minor: 5_000,
					received_at: new Date('2024-06-01T10:00:00Z')
				});
				const erased = await supporter(db, { email: 'gone@example.no', erased_at: new Date() });
				await give(db, erased.id, {
					amount_minor: 5_000,
					received_at: new Date('2024-06-01T10:00:00Z')
				});
				const refunded = await supporter(db, { email: 'refunded@example.no' });
				await give(db, refunded.id, {
					amount_minor: 5_000,
					refunded_minor: 5_000,
					status: 'refunded',
					received_at: new Date('2024-06-01T10:00:00Z')
				});
				const otherYear = await supporter(db, { email: 'other-year@example.no' });
				await give(db, otherYear.id, {
					amount_minor: 5_000,
					received_at: new Date('2023-06-01T10:00:00Z')
				});

				expect(await countStatementRecipients(db, year)).toBe(7);
				const started = await startStatementRun(db, year, { staffUserId });
				if (!started.ok) throw new Error(started.reason);
				expect(await startStatementRun(db, year, { staffUserId })).toEqual({
					ok: false,
					reason: 'already_running'
				});

				// The server stops after the first batch of three...
				expect(
					await processStatementBatch(db, started.runId, 3, 'https://give.dawatmedia.no')
				).toBe('continued');
				const progress = () =>
					db
						.selectFrom('statement_run')
						.select(['status', 'total', 'processed', 'queued'])
						.where('id', '=', started.runId)
						.executeTakeFirstOrThrow();
				expect(await progress()).toEqual({ status: 'running', total: 7, processed: 3, queued: 3 });
				// ...and a batch dies half way (its transaction rolls back).
				await expect(
					db.transaction().execute(async (trx) => {
						await trx
							.insertInto('email_message')
							.values({
								kind: 'statement',
								to_address: givers[3].email!,
								subject: 'x',
								text_body: 'x',
								html_body: 'x',
								dedupe_key: `statement:${year}:${givers[3].id}`
							})
							.execute();
						throw new Error('the process was killed');
					})
				).rejects.toThrow();

				// After the restart, two app instances pick the run up at once.
				await Promise.all([
					driveStatementRun(db, started.runId, {
						batchSize: 3,
						origin: 'https://give.dawatmedia.no'
					}),
					processStatementBatch(db, started.runId, 3, 'https://give.dawatmedia.no')
				]);
				await driveStatementRun(db, started.runId, {
					batchSize: 3,
					origin: 'https://give.dawatmedia.no'
				});
				expect(await progress()).toEqual({ status: 'finished', total: 7, processed: 7, queued: 7 });

				const messages = await db
					.selectFrom('email_message')
					.selectAll()
					.where('kind', '=', 'statement')
					.where('dedupe_key', 'like', `statement:${year}:%`)
					.execute();
				expect(messages.map((message) => message.supporter_id).sort()).toEqual(
					givers.map((g) => g.id).sort()
				);
				const dari = messages.find((message) => message.supporter_id === givers[0].id)!;
				expect(dari).toMatchObject({
					to_address: 'giver0@example.no',
					locale: 'fa-AF',
					subject: 'صورت‌حساب سالانه ۲۰۲۴ شما از Dawat Media Center',
					attachments: [{ type: 'statement', supporterId: givers[0].id, year }]
				});
				expect(dari.html_body).toContain('dir="rtl"');
				const english = messages.find((message) => message.supporter_id === givers[1].id)!;
				expect(english.subject).toBe('Your 2024 year-end statement from Dawat Media Center');
				expect(english.text_body).toMatch(/^Total in NOK: NOK\s100\.01$/m);
				// Each statement carries its supporter's own single-use way into "My giving".
				expect(english.text_body).toMatch(
					/^See or change your giving: https:\/\/give\.dawatmedia\.no\/my\/sign-in\?token=[a-z2-7]{32}$/m
				);

				// A second run for the same year goes through everyone and queues nothing again.
				const again = await startStatementRun(db, year, { staffUserId });
				if (!again.ok) throw new Error(again.reason);
				await driveStatementRun(db, again.runId);
				const second = await db
					.selectFrom('statement_run')
					.select(['processed', 'queued'])
					.where('id', '=', again.runId)
					.executeTakeFirstOrThrow();
				expect(second).toEqual({ processed: 7, queued: 0 });
			}
		);

		it.skipIf(!available)(
			'exports only consenting supporters whose NOK gifts reach the threshold, and records who took it',
			async () => {
				const { db } = test;
				const year = 2023;
				const at = new Date('2023-09-01T10:00:00Z');
				const withIdentity = async (name: string, number: string, kind: 'fnr' | 'dnr' = 'fnr') => {
					const s = await supporter(db, {
						name,
						email: `${name.split(' ')[0].toLowerCase()}@example.no`
					});
					await db
						.insertInto('supporter_tax_identity')
						.values({
							supporter_id: s.id,
							kind,
							identifier_sealed: sealSecret(number, `tax-identity:${s.id}`),
							last_digits: number.slice(-2)
						})
						.execute();
					return s;
				};
				// 300 + 250 NOK: reaches 500.
				const aziz = await withIdentity('Aziz Karimi', '15038510190');
				await give(db, aziz.id, { amount_minor: 30_000, received_at: at });
				await give(db, aziz.id, { amount_minor: 25_000, received_at: at, channel: 'vipps' });
				// 800 NOK of which 400 refunded, and EUR that never counts: 400 NOK is below 500.
				const bibi = await withIdentity('Bibi Noori', '02079010025');
				await give(db, bibi.id, {
					amount_minor: 80_000,
					refunded_minor: 40_000,
					status: 'partially_refunded',
					received_at: at
				});
				await give(db, bibi.id, { amount_minor: 90_000, currency: 'EUR', received_at: at });
				// Exactly the threshold, with a D-nummer.
				const dawood = await withIdentity('Dawood Safi', '43018810027', 'dnr');
				await give(db, dawood.id, { amount_minor: 50_000, received_at: at });
				// Gave plenty but gave no number (no consent).
				const noConsent = await supporter(db, { name: 'No Consent', email: 'nc@example.no' });
				await give(db, noConsent.id, { amount_minor: 500_000, received_at: at });

				expect(await buildTaxReport(db, year)).toEqual({ ok: false, reason: 'disabled' });
				await db.updateTable('organisation').set({ tax_report_enabled: true }).execute();
				const report = await buildTaxReport(db, year);
				if (!report.ok) throw new Error(report.reason);
				expect(report.rows.map((row) => [row.name, row.identifier, row.totalMinor])).toEqual([
					['Aziz Karimi', '15038510190', 55_000],
					['Dawood Safi', '43018810027', 50_000]
				]);
				const csv = taxReportCsv(report);
				expect(csv.split('\r\n')).toEqual([
					'\uFEFFyear;organisation_number;identifier_type;identifier;name;total_nok;total_ore;gift_count',
					'2023;974760673;fnr;15038510190;Aziz Karimi;550.00;55000;2',
					'2023;974760673;dnr;43018810027;Dawood Safi;500.00;50000;1',
					''
				]);

				await db.updateTable('organisation').set({ tax_report_threshold_minor: 40_000 }).execute();
				const lower = await buildTaxReport(db, year);
				expect(lower.ok && lower.rows.map((row) => row.name)).toEqual([
					'Aziz Karimi',
					'Bibi Noori',
					'Dawood Safi'
				]);

				await recordTaxReportExport(db, { staffUserId, year, rowCount: 2 });
				const audit = await db
					.selectFrom('audit_log')
					.select(['action', 'staff_user_id', 'after'])
					.where('action', '=', 'tax_report.export')
					.executeTakeFirstOrThrow();
				expect(audit).toEqual({
					action: 'tax_report.export',
					staff_user_id: staffUserId,
					after: { year, supporters: 2 }
				});
			}
		);
	}
);
