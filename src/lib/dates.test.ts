import { afterEach, describe, expect, it } from 'vitest';
import {
	DEFAULT_TIME_ZONE,
	formatCalendarDate,
	formatGiftDate,
	formatDate,
	formatDateTime,
	formatSolarHijriDate,
	organisationDay,
	organisationYear,
	timeZoneName,
	useOrganisationTimeZone
} from './dates.ts';

// 23:30 on New Year's Eve in London is already 1 January in Oslo.
const newYearInOslo = new Date('2025-12-31T23:30:00Z');

describe('dates as the organisation lives them', () => {
	afterEach(() => useOrganisationTimeZone(DEFAULT_TIME_ZONE));

	it('counts days and years in Norway by default, whatever the server clock says', () => {
		expect(organisationDay(newYearInOslo)).toBe('2026-01-01');
		expect(organisationYear(newYearInOslo)).toBe(2026);
		expect(formatDateTime(newYearInOslo, { locale: 'en' })).toBe('1 Jan 2026, 00:30');
	});

	it('writes Gregorian dates in Dari and Pashto, in their digits, so staff can match a bank statement', () => {
		const dari = formatDate(new Date('2025-03-14T12:00:00Z'), { locale: 'fa-AF', long: true });
		expect(dari).toContain('۲۰۲۵');
		expect(dari).toContain('۱۴');
		expect(formatDate(new Date('2025-03-14T12:00:00Z'), { locale: 'ps' })).toContain('۲۰۲۵');
	});

	it('gives the Solar Hijri date beside the Gregorian one in Dari and Pashto only', () => {
		const gift = new Date('2025-03-14T12:00:00Z');
		expect(formatSolarHijriDate(gift, { locale: 'fa-AF' })).toBe('۲۴ حوت ۱۴۰۳');
		expect(formatSolarHijriDate('2025-03-14', { locale: 'ps' })).toBe('۲۴ کب ۱۴۰۳');
		expect(formatSolarHijriDate('2026-12-07', { locale: 'ps' })).toBe('۱۶ لیندۍ ۱۴۰۵');
		expect(formatSolarHijriDate(gift, { locale: 'en' })).toBeNull();
		expect(formatSolarHijriDate(gift, { locale: 'nb' })).toBeNull();
	});

	it('names the time zone in the reader’s words, or by its identifier where a language has none', () => {
		expect(timeZoneName({ locale: 'en' })).toBe('Central European Time');
		expect(timeZoneName({ locale: 'fa-AF' })).toBe('وقت مرکز اروپا');
		expect(timeZoneName({ locale: 'ps' })).not.toMatch(/[A-Za-z]/);
		useOrganisationTimeZone('UTC');
		expect(timeZoneName({ locale: 'fa-AF' })).toBe('UTC');
	});

	it('follows the time zone staff chose, and ignores one that does not exist', () => {
		useOrganisationTimeZone('America/New_York');
		expect(organisationDay(newYearInOslo)).toBe('2025-12-31');
		useOrganisationTimeZone('Mars/Olympus');
		expect(organisationDay(newYearInOslo)).toBe('2025-12-31');
	});

	it('shows a day without a time of day as that day everywhere', () => {
		useOrganisationTimeZone('America/Los_Angeles');
		expect(formatCalendarDate('2025-03-14', { locale: 'en' })).toBe('14 Mar 2025');
		expect(formatCalendarDate(new Date('2025-03-14T00:00:00Z'), { locale: 'nb' })).toBe(
			'14. mars 2025'
		);
	});

	it('shows a gift known by its day alone with no made-up hour, and a card gift with its time', () => {
		useOrganisationTimeZone('Europe/Oslo');
		const noon = new Date('2025-03-14T12:00:00Z');
		expect(formatGiftDate({ receivedAt: noon, isDateOnly: true }, { locale: 'en' })).toBe(
			'14 Mar 2025'
		);
		expect(formatGiftDate({ receivedAt: noon, isDateOnly: false }, { locale: 'en' })).toBe(
			'14 Mar 2025, 13:00'
		);
		// Midday UTC is the next day in Kiribati; the gift's day stays the day staff typed.
		useOrganisationTimeZone('Pacific/Kiritimati');
		expect(formatGiftDate({ receivedAt: noon, isDateOnly: true }, { locale: 'en' })).toBe(
			'14 Mar 2025'
		);
	});
});
