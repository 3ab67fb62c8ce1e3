import { describe, expect, it } from 'vitest';
import { intlLocale, isLocale, textDirection } from './locales';
import { formatMoney } from './money';

describe('locales', () => {
	it('writes Pashto and Dari right to left, the others left to right', () => {
		expect(textDirection('ps')).toBe('rtl');
		expect(textDirection('fa-AF')).toBe('rtl');
		expect(textDirection('en')).toBe('ltr');
		expect(textDirection('nb')).toBe('ltr');
	});

	it('knows only its four languages', () => {
		expect(isLocale('fa-AF')).toBe(true);
		expect(isLocale('fa')).toBe(false);
		expect(isLocale(undefined)).toBe(false);
	});

	it('gives Pashto and Dari Eastern Arabic digits and Norwegian its own separators', () => {
		expect(formatMoney(25050, 'NOK', intlLocale('ps'))).toMatch(/۲۵۰٫۵۰/);
		expect(formatMoney(100000, 'EUR', intlLocale('fa-AF'))).toMatch(/۱٬۰۰۰/);
		expect(formatMoney(100000, 'NOK', intlLocale('nb'))).toBe('1\u00a0000\u00a0kr');
	});
});
