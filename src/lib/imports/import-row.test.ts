import { describe, expect, it } from 'vitest';
import {
	cleanText,
	parseBookingDate,
	parseDecimalAmount,
	parseExportAmount,
	readCurrency
} from './import-row.ts';

describe('parseBookingDate', () => {
	it('reads ISO and Norwegian dates, with or without a time', () => {
		expect(parseBookingDate('2025-03-05')).toBe('2025-03-05');
		expect(parseBookingDate('05.03.2025')).toBe('2025-03-05');
		expect(parseBookingDate('5.3.25')).toBe('2025-03-05');
		expect(parseBookingDate('05/03/2025')).toBe('2025-03-05');
		expect(parseBookingDate('2025-03-05T23:30:00+01:00')).toBe('2025-03-05');
		expect(parseBookingDate('2025-03-05 14:33:10')).toBe('2025-03-05');
	});

	it('refuses dates that do not exist', () => {
		for (const text of ['31.02.2025', '2025-13-01', '00.01.2025', 'i går', '', '2025-3-5x']) {
			expect(parseBookingDate(text)).toBeNull();
		}
	});
});

describe('amounts', () => {
	it('reads ISO decimals exactly, never through a float', () => {
		expect(parseDecimalAmount('0.29', 'NOK')).toBe(29);
		expect(parseDecimalAmount('1150.7', 'EUR')).toBe(115070);
		expect(parseDecimalAmount('10.500', 'NOK')).toBe(1050);
		expect(parseDecimalAmount('10.505', 'NOK')).toBeNull();
		expect(parseDecimalAmount('12,50', 'NOK')).toBeNull();
		expect(parseDecimalAmount('9999999999999999', 'NOK')).toBeNull();
	});

	it('reads export amounts with a decimal comma, grouping and either sign', () => {
		expect(parseExportAmount('1 500,00', 'NOK')).toBe(150000);
		expect(parseExportAmount('1.500,50', 'NOK')).toBe(150050);
		expect(parseExportAmount('-349,90', 'NOK')).toBe(-34990);
		expect(parseExportAmount('\u2212349,90', 'NOK')).toBe(-34990);
		expect(parseExportAmount('349,90-', 'NOK')).toBe(-34990);
		expect(parseExportAmount('0.29', 'NOK')).toBe(29);
		expect(parseExportAmount('to hundre', 'NOK')).toBeNull();
	});
});

describe('readCurrency and cleanText', () => {
	it('takes the currencies Komak keeps and falls back for an empty cell', () => {
		expect(readCurrency(' eur ', 'NOK')).toBe('EUR');
		expect(readCurrency('', 'NOK')).toBe('NOK');
		expect(readCurrency('SEK', 'NOK')).toBeNull();
	});

	it('keeps text on one line without control characters', () => {
		expect(cleanText('  Gave\r\n til\tDawat\u0000 ')).toBe('Gave til Dawat');
		expect(cleanText('x'.repeat(600)).length).toBe(500);
	});
});
