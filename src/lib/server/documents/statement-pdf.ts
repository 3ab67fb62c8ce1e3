import type { Kysely } from 'kysely';
import { formatDate } from '../../dates.ts';
import { channelLabel, kindLabel } from '../../giving/vocabulary.ts';
import { intlLocale } from '../../locales.ts';
import { m } from '../../paraglide/messages.js';
import type { Database } from '../db/schema.ts';
import { loadStatement } from './statements.ts';
import { DocumentFrame } from './document-frame.ts';
import {
	asLocale,
	bankTransferNote,
	documentMoney,
	documentYear,
	giftStatusNote
} from './labels.ts';
import { documentOrganisation, type PdfDocument } from './receipt-pdf.ts';

/**
 * A supporter's year-end statement as a PDF in `locale`: every gift of the year (a year in
 * Norway) with its date, channel and amount, refunded ones marked as such, and a total for each
 * currency of what was kept. Null when there is no such supporter.
 */
export async function renderStatementPdf(
	db: Kysely<Database>,
	supporterId: string,
	year: number,
	localeName: string,
	now = new Date()
): Promise<PdfDocument | null> {
	const statement = await loadStatement(db, supporterId, year);
	if (!statement) return null;
	const locale = asLocale(localeName);
	const organisation = await documentOrganisation(db);
	const title = m.documents_statement_title({ year: documentYear(year, locale) }, { locale });
	const { supporter, gifts, totals } = statement;

	const frame = new DocumentFrame({ title: `${title} · ${organisation.name}`, locale });
	frame.header(organisation, title);
	if (supporter.name.trim()) {
		frame.facts([[m.documents_given_by({}, { locale }), supporter.name]]);
		frame.gap(6);
	}
	frame.paragraph(
		m.documents_statement_intro(
			{ organisation: organisation.name, year: documentYear(year, locale) },
			{ locale }
		),
		{ size: 11 }
	);
	frame.gap(14);

	if (gifts.length === 0) {
		frame.paragraph(m.documents_statement_none({ year: documentYear(year, locale) }, { locale }), {
			size: 11
		});
	} else {
		frame.table(
			[
				{ label: m.documents_col_date({}, { locale }), share: 3 },
				{ label: m.documents_channel({}, { locale }), share: 3 },
				{ label: m.documents_kind({}, { locale }), share: 3 },
				{ label: m.documents_amount({}, { locale }), share: 3, isNumber: true },
				{ label: m.documents_col_note({}, { locale }), share: 5 }
			],
			gifts.map((gift) => [
				formatDate(gift.receivedAt, { locale, long: true }),
				channelLabel(gift.channel, locale),
				kindLabel(gift.kind, { locale, asGift: true }),
				documentMoney(gift.amountMinor, gift.currency, locale),
				giftStatusNote(gift, locale)
			])
		);
		frame.gap(26);
		frame.ensureRoom(60 + totals.length * 22);
		frame.line(m.documents_totals_heading({ year: documentYear(year, locale) }, { locale }), {
			weight: 'bold',
			size: 13
		});
		frame.gap(24);
		if (totals.length > 0) {
			frame.table(
				[
					{ label: m.documents_col_currency({}, { locale }), share: 4 },
					{ label: m.documents_col_gifts({}, { locale }), share: 3, isNumber: true },
					{ label: m.documents_col_total({}, { locale }), share: 4, isNumber: true },
					{ label: '', share: 6 }
				],
				totals.map((total) => [
					total.currency,
					new Intl.NumberFormat(intlLocale(locale)).format(total.count),
					documentMoney(total.totalMinor, total.currency, locale),
					''
				])
			);
		}
		if (gifts.some((gift) => gift.status !== 'succeeded')) {
			frame.gap(12);
			frame.paragraph(m.documents_refund_note({}, { locale }), { size: 9, color: '#5b5b57' });
		}
	}
	const bankNote = bankTransferNote(organisation, supporter, locale);
	if (bankNote) {
		frame.gap(14);
		frame.paragraph(bankNote, { size: 10 });
	}
	return { filename: `statement-${year}.pdf`, content: await frame.finish(now) };
}
