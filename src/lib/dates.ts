import { intlLocale, type Locale } from './locales.ts';
import { getLocale } from './paraglide/runtime.js';

// Dates and times as the organisation lives them, for every page, email, PDF and export: one time
// zone (a setting, Norway's unless staff choose another), the Gregorian calendar in every
// language (statements and the tax year count Gregorian years, and staff reconcile with bank
// statements; Dari would otherwise default to the Solar Hijri calendar), the language's digits.

/** Norway's: the one Vipps and Norwegian banks count days in, and the organisation's default. */
export const NORWAY_TIME_ZONE = 'Europe/Oslo';
export const DEFAULT_TIME_ZONE = NORWAY_TIME_ZONE;

let timeZone = DEFAULT_TIME_ZONE;

/** The organisation's time zone, as last read from its settings. */
export function organisationTimeZone(): string {
	return timeZone;
}

/**
 * The organisation's time zone as the language names it ("Central European Time", "وقت مرکز
 * اروپا"); its identifier ("Europe/Oslo") where the language has no name but an offset for it.
 */
export function timeZoneName({ locale = getLocale() }: { locale?: Locale } = {}): string {
	const name = new Intl.DateTimeFormat(intlLocale(locale), {
		timeZone,
		timeZoneName: 'longGeneric'
	})
		.formatToParts(new Date())
		.find((part) => part.type === 'timeZoneName')?.value;
	return name && !/GMT|UTC|[+\u2212]/.test(name) ? name : timeZone;
}

export function isTimeZone(zone: string): boolean {
	try {
		new Intl.DateTimeFormat('en', { timeZone: zone });
		return zone.length > 0;
	} catch {
		return false;
	}
}

/**
 * Adopts the time zone of the organisation's settings; called where they are read (the server at
 * start and on every page, the browser from the page's data). An unknown zone is ignored.
 */
export function useOrganisationTimeZone(zone: string): void {
	if (zone === timeZone || !isTimeZone(zone)) return;
	timeZone = zone;
	formats.clear();
}

type Style =
	| 'date'
	| 'long-date'
	| 'date-time'
	| 'long-date-time'
	| 'precise-date-time'
	| 'calendar-date'
	| 'long-calendar-date'
	| 'month'
	| 'day-key';

const styles: Record<Style, Intl.DateTimeFormatOptions & { inUtc?: boolean }> = {
	date: { dateStyle: 'medium' },
	'long-date': { dateStyle: 'long' },
	'date-time': { dateStyle: 'medium', timeStyle: 'short' },
	'long-date-time': { dateStyle: 'long', timeStyle: 'short' },
	'precise-date-time': { dateStyle: 'medium', timeStyle: 'medium' },
	// A day with no time of day (a bank's booking date), kept at midnight UTC: the same day anywhere.
	'calendar-date': { dateStyle: 'medium', inUtc: true },
	'long-calendar-date': { dateStyle: 'long', inUtc: true },
	month: { month: 'short', year: 'numeric', inUtc: true },
	// YYYY-MM-DD, for filters, file names and SQL.
	'day-key': { year: 'numeric', month: '2-digit', day: '2-digit' }
};

const formats = new Map<string, Intl.DateTimeFormat>();

function formatter(style: Style, locale: Locale | 'key'): Intl.DateTimeFormat {
	const key = `${style} ${locale}`;
	let format = formats.get(key);
	if (!format) {
		const { inUtc, ...options } = styles[style];
		format = new Intl.DateTimeFormat(locale === 'key' ? 'en-CA' : intlLocale(locale), {
			...options,
			calendar: 'gregory',
			timeZone: inUtc ? 'UTC' : timeZone
		});
		formats.set(key, format);
	}
	return format;
}

type When = Date | string;
const asDate = (when: When) => (typeof when === 'string' ? new Date(when) : when);

interface FormatOptions {
	/** The language to write in; a page's own by default. Required outside a request. */
	locale?: Locale;
	long?: boolean;
}

/** "14 Mar 2025" (or "14 March 2025" when `long`), the day in the organisation's time zone. */
export function formatDate(when: When, { locale = getLocale(), long = false }: FormatOptions = {}) {
	return formatter(long ? 'long-date' : 'date', locale).format(asDate(when));
}

/** "14 Mar 2025, 13:00" in the organisation's time zone; `seconds` for the audit log. */
export function formatDateTime(
	when: When,
	{
		locale = getLocale(),
		long = false,
		seconds = false
	}: FormatOptions & { seconds?: boolean } = {}
) {
	const style = seconds ? 'precise-date-time' : long ? 'long-date-time' : 'date-time';
	return formatter(style, locale).format(asDate(when));
}

/** A day that has no time of day ("2025-03-14", or midnight UTC), shown as that day everywhere. */
export function formatCalendarDate(
	when: When,
	{ locale = getLocale(), long = false }: FormatOptions = {}
) {
	const date = typeof when === 'string' && when.length === 10 ? `${when}T00:00:00Z` : when;
	return formatter(long ? 'long-calendar-date' : 'calendar-date', locale).format(asDate(date));
}

/**
 * When a gift was received: "14 Mar 2025, 13:00", or "14 Mar 2025" for a gift whose day alone is
 * known (hand-recorded or imported, stored at midday UTC), so no made-up hour is shown.
 */
export function formatGiftDate(
	gift: { receivedAt: When; isDateOnly: boolean },
	options: FormatOptions = {}
) {
	return gift.isDateOnly
		? formatCalendarDate(gift.receivedAt, options)
		: formatDateTime(gift.receivedAt, options);
}

// The months of the Solar Hijri year as Afghanistan names them. Browsers' calendar data has no
// Pashto names (Chromium writes "Azar" in Latin letters), so they are kept here.
const solarHijriMonths: Record<'fa-AF' | 'ps', string[]> = {
	'fa-AF': [
		'حمل',
		'ثور',
		'جوزا',
		'سرطان',
		'اسد',
		'سنبله',
		'میزان',
		'عقرب',
		'قوس',
		'جدی',
		'دلو',
		'حوت'
	],
	ps: [
		'وری',
		'غویی',
		'غبرگولی',
		'چنگاښ',
		'زمری',
		'وږی',
		'تله',
		'لړم',
		'لیندۍ',
		'مرغومی',
		'سلواغه',
		'کب'
	]
};

// Built once per zone and language, as the Gregorian formatters are: a list draws many dates.
const solarHijriFormats = new Map<string, Intl.DateTimeFormat>();
const solarHijriParts = (zone: string) => {
	let format = solarHijriFormats.get(zone);
	if (!format) {
		format = new Intl.DateTimeFormat('en-u-ca-persian-nu-latn', {
			day: 'numeric',
			month: 'numeric',
			year: 'numeric',
			timeZone: zone
		});
		solarHijriFormats.set(zone, format);
	}
	return format;
};
const digitFormats = new Map<Locale, Intl.NumberFormat>();
const localDigits = (locale: Locale) => {
	let format = digitFormats.get(locale);
	if (!format) {
		format = new Intl.NumberFormat(intlLocale(locale), { useGrouping: false });
		digitFormats.set(locale, format);
	}
	return format;
};

/**
 * The Solar Hijri date Afghan readers also count by ("۲۴ حوت ۱۴۰۳"), to stand beside the
 * Gregorian one in Dari and Pashto; null in other languages. A day key ("2025-03-14") is that day.
 */
export function formatSolarHijriDate(
	when: When,
	{ locale = getLocale() }: { locale?: Locale } = {}
): string | null {
	if (locale !== 'fa-AF' && locale !== 'ps') return null;
	const isDay = typeof when === 'string' && when.length === 10;
	const parts = solarHijriParts(isDay ? 'UTC' : timeZone).formatToParts(
		asDate(isDay ? `${when}T00:00:00Z` : when)
	);
	const part = (type: string) => Number.parseInt(parts.find((p) => p.type === type)?.value ?? '');
	const digits = localDigits(locale);
	const month = solarHijriMonths[locale][part('month') - 1];
	return `${digits.format(part('day'))} ${month} ${digits.format(part('year'))}`;
}

/** "2026-03" → "Mar 2026" / "mars 2026". */
export function formatMonth(month: string, { locale = getLocale() }: FormatOptions = {}) {
	return formatter('month', locale).format(new Date(`${month}-01T00:00:00Z`));
}

/** The day (YYYY-MM-DD) an instant falls on in the organisation's time zone. */
export function organisationDay(instant: When): string {
	return formatter('day-key', 'key').format(asDate(instant));
}

/** The calendar year an instant falls in, in the organisation's time zone. */
export function organisationYear(instant: When): number {
	return Number(organisationDay(instant).slice(0, 4));
}
