import type { Channel, ContributionKind } from '../../giving/vocabulary.ts';
import { intlLocale, isLocale, type Locale } from '../../locales.ts';
import { formatMoney } from '../../money.ts';
import { m } from '../../paraglide/messages.js';
import type { StatementGift } from '../../documents/statement.ts';
import { ORGANISATION_TIME_ZONE } from '../organisation/calendar.ts';

// The words and formats the PDFs share, in the supporter's language (given, never taken from a
// request: the mail worker makes documents outside any request).

/** The language to write a document in; anything unknown is English. */
export function asLocale(locale: string): Locale {
	return isLocale(locale) ? locale : 'en';
}

export function channelName(channel: Channel, locale: Locale): string {
	return {
		card: m.documents_channel_card,
		bank_transfer: m.documents_channel_bank_transfer,
		vipps: m.documents_channel_vipps,
		cash: m.documents_channel_cash,
		other: m.documents_channel_other
	}[channel]({}, { locale });
}

export function kindName(kind: ContributionKind, locale: Locale): string {
	return kind === 'monthly'
		? m.documents_kind_monthly({}, { locale })
		: m.documents_kind_one_off({}, { locale });
}

export function documentMoney(amountMinor: number, currency: string, locale: Locale): string {
	return formatMoney(amountMinor, currency, intlLocale(locale));
}

const dateFormats = new Map<string, Intl.DateTimeFormat>();

/**
 * "20 November 2026", "20. november 2026", "۲۰ نومبر ۲۰۲۶": the day in Norway, in the Gregorian
 * calendar in every language (Dari would otherwise default to the Solar Hijri one), because the
 * statement's year and the Norwegian tax year are Gregorian.
 */
export function documentDate(date: Date, locale: Locale): string {
	let format = dateFormats.get(locale);
	if (!format) {
		format = new Intl.DateTimeFormat(intlLocale(locale), {
			dateStyle: 'long',
			calendar: 'gregory',
			timeZone: ORGANISATION_TIME_ZONE
		});
		dateFormats.set(locale, format);
	}
	return format.format(date);
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
