import type { Channel, ContributionKind } from '../../giving/vocabulary.ts';
import { formatDate } from '../../dates.ts';
import { channelLabel } from '../../giving/vocabulary.ts';
import { textDirection, type Locale } from '../../locales.ts';
import { formatOrganisationNumber } from '../../organisation/organisation-number.ts';
import { m } from '../../paraglide/messages.js';
import { formatReceiptNumber } from '../../documents/receipt-number.ts';
import { asLocale, documentMoney, leftToRight } from '../documents/labels.ts';
import { renderEmail, type RenderedEmail } from './layout.ts';

// The thank-you receipt for one gift, in the supporter's language, as HTML and plain text. The
// receipt issuer (receipts.ts) queues it with the receipt PDF attached; both use the documents'
// words and formats, so the email and the PDF never say different things.

export interface ReceiptGift {
	receiptNumber: number;
	amountMinor: number;
	currency: string;
	receivedAt: Date;
	channel: Channel;
	kind: ContributionKind;
}

export interface ReceiptOrganisation {
	name: string;
	contactEmail: string;
	/** The Norwegian organisation number (nine digits), or '' when none is set. */
	organisationNumber: string;
}

/** Numbers and addresses stay whole, left to right, inside Pashto and Dari text. */
function keepLeftToRight(text: string, locale: Locale): string {
	return textDirection(locale) === 'rtl' ? leftToRight(text) : text;
}

/**
 * The receipt's facts as label and value pairs, in the supporter's language: receipt number,
 * amount, date, how it was paid, and who received it (name, organisation number, contact).
 */
export function receiptFacts(
	gift: ReceiptGift,
	organisation: ReceiptOrganisation,
	localeTag: string
): [string, string][] {
	const locale = asLocale(localeTag);
	const o = { locale };
	const ltr = (text: string) => keepLeftToRight(text, locale);
	const facts: [string, string][] = [
		[
			m.documents_receipt_number({}, o),
			ltr(formatReceiptNumber(gift.receiptNumber, gift.receivedAt))
		],
		[m.documents_amount({}, o), documentMoney(gift.amountMinor, gift.currency, locale)],
		[m.documents_received_on({}, o), formatDate(gift.receivedAt, { locale, long: true })],
		[m.documents_channel({}, o), channelLabel(gift.channel, locale)],
		[m.mail_receipt_recipient({}, o), organisation.name]
	];
	if (organisation.organisationNumber)
		facts.push([
			m.mail_receipt_organisation_number({}, o),
			ltr(formatOrganisationNumber(organisation.organisationNumber))
		]);
	if (organisation.contactEmail)
		facts.push([m.mail_receipt_contact({}, o), ltr(organisation.contactEmail)]);
	return facts;
}

/** The receipt email for one gift. `supporterName` may be '' (the heading then names no one). */
export function buildReceiptEmail(
	gift: ReceiptGift,
	organisation: ReceiptOrganisation,
	supporterName: string,
	localeTag: string,
	/** The supporter's own page ("My giving"), where a monthly gift is changed or stopped. */
	myPageUrl?: string
): RenderedEmail {
	const locale = asLocale(localeTag);
	const o = { locale };
	const number = formatReceiptNumber(gift.receiptNumber, gift.receivedAt);
	const paragraphs = [m.mail_receipt_body({ organisation: organisation.name }, o)];
	if (gift.kind === 'monthly') paragraphs.push(m.mail_receipt_monthly({}, o));
	paragraphs.push(m.mail_receipt_attached({}, o));
	const name = supporterName.trim();
	return renderEmail({
		locale,
		subject: m.mail_receipt_subject({ number: keepLeftToRight(number, locale) }, o),
		heading: name ? m.mail_receipt_heading_named({ name }, o) : m.mail_receipt_heading({}, o),
		paragraphs,
		facts: receiptFacts(gift, organisation, locale),
		...(myPageUrl && { action: { label: m.mail_receipt_my_page({}, o), url: myPageUrl } }),
		footer: [
			m.mail_footer_receipt({ organisation: organisation.name }, o),
			...(organisation.contactEmail
				? [m.mail_footer_contact({ email: keepLeftToRight(organisation.contactEmail, locale) }, o)]
				: [])
		]
	});
}
