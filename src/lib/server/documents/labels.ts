import { intlLocale, isLocale, type Locale } from '../../locales.ts';
import { formatMoney } from '../../money.ts';
import { m } from '../../paraglide/messages.js';
import type { StatementGift } from '../../documents/statement.ts';
import { formatKid } from '../../supporters/kid.ts';

// The words and formats the PDFs share, in the supporter's language (given, never taken from a
// request: the mail worker makes documents outside any request).

/** The language to write a document in; anything unknown is English. */
export function asLocale(locale: string): Locale {
	return isLocale(locale) ? locale : 'en';
}

export function documentMoney(amountMinor: number, currency: string, locale: Locale): string {
	return formatMoney(amountMinor, currency, intlLocale(locale));
}

/** A year in the language's digits: "2026", "۲۰۲۶". */
export function documentYear(year: number, locale: Locale): string {
	return new Intl.NumberFormat(intlLocale(locale), { useGrouping: false }).format(year);
}

/** What became of a gift after it was given, or '' when nothing did. */
export function giftStatusNote(gift: StatementGift, locale: Locale): string {
	switch (gift.status) {
		case 'refunded':
			return m.documents_status_refunded({}, { locale });
		case 'partially_refunded':
			return m.documents_status_partially_refunded(
				{ amount: documentMoney(gift.refundedMinor, gift.currency, locale) },
				{ locale }
			);
		case 'disputed':
			return m.documents_status_disputed({}, { locale });
		default:
			return '';
	}
}

/** An identifier (receipt or organisation number) kept left to right inside any text. */
export function leftToRight(text: string): string {
	return `\u2066${text}\u2069`;
}

/**
 * "Give by bank transfer to account … with your KID …": how the supporter's next transfer finds
 * them. '' when the organisation has no account number or the supporter was erased.
 */
export function bankTransferNote(
	organisation: { bankAccountNumber: string },
	supporter: { kid: string; isErased: boolean },
	locale: Locale
): string {
	if (!organisation.bankAccountNumber.trim() || supporter.isErased) return '';
	return m.documents_bank_transfer_kid(
		{
			account: leftToRight(organisation.bankAccountNumber),
			kid: leftToRight(formatKid(supporter.kid))
		},
		{ locale }
	);
}
