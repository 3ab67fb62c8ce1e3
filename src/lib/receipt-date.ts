import { intlLocale } from './locales.ts';

/**
 * A gift's date on its receipt, as the supporter's language writes it, always in the Gregorian
 * calendar (a receipt must match bank statements and the Norwegian tax year, in Dari and Pashto
 * too, whose Intl default is the Solar Hijri calendar), in Norway's time zone.
 */
export function formatReceiptDate(receivedAt: Date, locale: string): string {
	return new Intl.DateTimeFormat(intlLocale(locale), {
		dateStyle: 'long',
		calendar: 'gregory',
		timeZone: 'Europe/Oslo'
	}).format(receivedAt);
}
