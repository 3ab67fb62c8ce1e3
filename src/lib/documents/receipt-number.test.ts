import { describe, expect, it } from 'vitest';
import { formatReceiptNumber } from './receipt-number.ts';

describe('formatReceiptNumber', () => {
	it('puts the year the gift was received before the number, padded to six digits', () => {
		expect(formatReceiptNumber(123, new Date('2026-11-20T12:00:00Z'))).toBe('2026-000123');
		expect(formatReceiptNumber(1_234_567, new Date('2026-03-01T12:00:00Z'))).toBe('2026-1234567');
	});

	it('takes the year in Norway: a gift on New Year’s night counts for the new year', () => {
		// 23:30 UTC on 31 December is 00:30 on 1 January in Oslo.
		expect(formatReceiptNumber(7, new Date('2026-12-31T23:30:00Z'))).toBe('2027-000007');
	});

	it('refuses what is not a receipt number', () => {
		expect(() => formatReceiptNumber(0, new Date())).toThrow(RangeError);
		expect(() => formatReceiptNumber(1.5, new Date())).toThrow(RangeError);
	});
});
