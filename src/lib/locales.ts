// The languages Komak speaks; Pashto and Dari are written right to left.
export const locales = ['en', 'nb', 'ps', 'fa-AF'] as const;
export type Locale = (typeof locales)[number];

const rightToLeft: ReadonlySet<string> = new Set(['ps', 'fa-AF']);

export function textDirection(locale: string): 'rtl' | 'ltr' {
	return rightToLeft.has(locale) ? 'rtl' : 'ltr';
}

export function isLocale(value: unknown): value is Locale {
	return typeof value === 'string' && (locales as readonly string[]).includes(value);
}

/** The language's own name, shown in the language switcher. */
export const localeNames: Record<Locale, string> = {
	en: 'English',
	nb: 'Norsk bokmål',
	ps: 'پښتو',
	'fa-AF': 'دری'
};

/**
 * The tag given to Intl for numbers, dates and money in each language. Pashto and Dari both write
 * Eastern Arabic digits; browsers' trimmed ICU data often lacks Pashto (Chromium falls back to
 * Latin digits), so Pashto numbers use the Dari rules, which are the same, and server and browser
 * render the same text.
 */
export function intlLocale(locale: string): string {
	return (
		{ en: 'en-GB', nb: 'nb-NO', ps: 'fa-AF-u-nu-arabext', 'fa-AF': 'fa-AF-u-nu-arabext' }[locale] ??
		'en-GB'
	);
}

/** Wraps text (an email, a code) in Unicode isolates so it stays whole inside right-to-left text. */
export function isolateDirection(text: string): string {
	return `\u2068${text}\u2069`;
}
