import { describe, expect, it } from 'vitest';
import { formatReceiptDate } from './receipt-date.ts';

describe('formatReceiptDate', () => {
	const date = new Date('2026-11-20T10:00:00Z');

	it('writes the date in the supporter’s language', () => {
		expect(formatReceiptDate(date, 'en')).toBe('20 November 2026');
		expect(formatReceiptDate(date, 'nb')).toBe('20. november 2026');
	});

	it('keeps the Gregorian calendar for Dari and Pashto, in their own digits', () => {
		expect(formatReceiptDate(date, 'fa-AF')).toBe('۲۰ نومبر ۲۰۲۶');
		expect(formatReceiptDate(date, 'ps')).toBe('۲۰ نومبر ۲۰۲۶');
	});

	it('takes the day in Norway: late evening in UTC may be the next day in Oslo', () => {
		expect(formatReceiptDate(new Date('2026-06-30T22:30:00Z'), 'en')).toBe('1 July 2026');
	});
});
