import type { Kysely } from 'kysely';
import { formatDate } from '../../dates.ts';
import { channelLabel, kindLabel } from '../../giving/vocabulary.ts';
import { m } from '../../paraglide/messages.js';
import { formatOrganisationNumber } from '../../organisation/organisation-number.ts';
import { formatReceiptNumber } from '../../documents/receipt-number.ts';
import type { Database } from '../db/schema.ts';
import { findOrganisation } from '../organisation/settings.ts';
import { loadReceipt } from './statements.ts';
import { DocumentFrame, type Organisation } from './document-frame.ts';
import {
	asLocale,
	bankTransferNote,
	documentMoney,
	giftStatusNote,
	leftToRight
} from './labels.ts';

export interface PdfDocument {
	filename: string;
	content: Uint8Array;
}

export async function documentOrganisation(db: Kysely<Database>): Promise<Organisation> {
	const organisation = await findOrganisation(db);
	return {
		name: organisation.name,
		contactEmail: organisation.contact_email,
		organisationNumber: formatOrganisationNumber(organisation.organisation_number),
		bankAccountNumber: organisation.bank_account_number
	};
}

/**
 * The receipt for one gift as a PDF in `locale`, or null when the gift does not exist or was
 * never given (pending, failed, voided). A refunded gift's receipt says so. The receipt number
 * is the one the gift was given when its receipt was first sent; a gift without one yet gets a
 * receipt without a number (numbers are given only by the receipt email, so none is wasted).
 */
export async function renderReceiptPdf(
	db: Kysely<Database>,
	contributionId: string,
	localeName: string,
	now = new Date()
): Promise<PdfDocument | null> {
	const receipt = await loadReceipt(db, contributionId);
	if (!receipt) return null;
	const locale = asLocale(localeName);
	const { gift, supporter } = receipt;
	const organisation = await documentOrganisation(db);
	const number =
		gift.receiptNumber === null ? null : formatReceiptNumber(gift.receiptNumber, gift.receivedAt);
	const title = m.documents_receipt_title({}, { locale });

	const frame = new DocumentFrame({
		title: [title, number, organisation.name].filter(Boolean).join(' · '),
		locale
	});
	frame.header(organisation, title);
	const facts: [string, string][] = [];
	if (number) facts.push([m.documents_receipt_number({}, { locale }), leftToRight(number)]);
	facts.push([
		m.documents_received_on({}, { locale }),
		formatDate(gift.receivedAt, { locale, long: true })
	]);
	if (supporter.name.trim()) facts.push([m.documents_given_by({}, { locale }), supporter.name]);
	facts.push(
		[m.documents_amount({}, { locale }), documentMoney(gift.amountMinor, gift.currency, locale)],
		[m.documents_channel({}, { locale }), channelLabel(gift.channel, locale)],
		[m.documents_kind({}, { locale }), kindLabel(gift.kind, { locale, asGift: true })]
	);
	const status = giftStatusNote(gift, locale);
	if (status) facts.push([m.documents_status({}, { locale }), status]);
	frame.facts(facts);
	frame.gap(18);
	frame.paragraph(m.documents_receipt_thanks({ organisation: organisation.name }, { locale }), {
		size: 11
	});
	const bankNote = bankTransferNote(organisation, supporter, locale);
	if (bankNote) {
		frame.gap(12);
		frame.paragraph(bankNote, { size: 10 });
	}
	return {
		filename: `receipt-${number ?? gift.id.slice(0, 8)}.pdf`,
		content: await frame.finish(now)
	};
}
