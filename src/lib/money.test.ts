import { describe, expect, it } from 'vitest';
import { cardFeeTopUp, formatMoney, parseAmount, toDecimalString, toInputString } from './money';

describe('parseAmount', () => {
	it.each([
		['250', 25000],
		['250,50', 25050],
		['250.5', 25050],
		['1 000', 100000],
		['1\u00a0000,00', 100000],
		['1.000', 100000],
		['1,000', 100000],
		['1.000,50', 100050],
		['1,000.50', 100050],
		['kr 250', 25000],
		['NOK 15', 1500],
		['15,-', 1500],
		['۲۵۰', 25000],
		['٢٥٠٫٥٠', 25050],
		['0,5', 50],
		['12.500', 1250000]
	])('reads %s as %i minor units of NOK', (input, expected) => {
		expect(parseAmount(input, 'NOK')).toEqual({ ok: true, amountMinor: expected });
	});

	it('tells an empty field from text that is not a number', () => {
		expect(parseAmount('  ', 'NOK')).toEqual({ ok: false, reason: 'empty' });
		expect(parseAmount('ten', 'NOK')).toEqual({ ok: false, reason: 'not_a_number' });
		expect(parseAmount('12 kroner', 'NOK')).toEqual({ ok: true, amountMinor: 1200 });
		expect(parseAmount('1o0', 'NOK')).toEqual({ ok: false, reason: 'not_a_number' });
		expect(parseAmount('1,2,3', 'NOK')).toEqual({ ok: false, reason: 'not_a_number' });
		expect(parseAmount('--5', 'NOK')).toEqual({ ok: false, reason: 'not_a_number' });
	});

	it('refuses more decimals than the currency has, unless they are zeros', () => {
		expect(parseAmount('10,555', 'EUR')).toEqual({ ok: true, amountMinor: 1055500 });
		expect(parseAmount('10.5555', 'EUR')).toEqual({ ok: false, reason: 'too_many_decimals' });
		expect(parseAmount('10.500', 'EUR').ok).toBe(true);
		expect(parseAmount('10.50000', 'EUR')).toEqual({ ok: true, amountMinor: 1050 });
	});

	it('keeps negative amounts negative so validation can refuse them', () => {
		expect(parseAmount('-50', 'NOK')).toEqual({ ok: true, amountMinor: -5000 });
	});

	it('refuses absurdly long numbers instead of losing precision', () => {
		expect(parseAmount('99999999999999999999', 'NOK')).toEqual({ ok: false, reason: 'too_large' });
	});
});

describe('parseAmount on a page in a language', () => {
	// What a supporter types, the page's language, and what the form takes (minor units of the
	// currency) or why it refuses.
	it.each([
		['10.001', 'en', 'NOK', 'too_many_decimals'],
		['10,001', 'en', 'NOK', 1000100],
		['1,000.50', 'en', 'NOK', 100050],
		['1 000', 'en', 'NOK', 100000],
		['12,50', 'en', 'NOK', 1250],
		['250 kr', 'en', 'NOK', 25000],
		['50abc', 'en', 'NOK', 'not_a_number'],
		['5 0', 'en', 'NOK', 'not_a_number'],
		['1,00,000', 'en', 'NOK', 'not_a_number'],
		['€15', 'en', 'NOK', 'not_a_number'],
		['15.', 'en', 'NOK', 'not_a_number'],
		['€15', 'en', 'EUR', 1500],
		['15 €', 'en', 'EUR', 1500],
		['15 EUR', 'en', 'EUR', 1500],
		['US$20', 'en', 'USD', 2000],
		['$20.5', 'en', 'USD', 2050],
		['10.001', 'nb', 'NOK', 1000100],
		['10,001', 'nb', 'NOK', 'too_many_decimals'],
		['1 000,50', 'nb', 'NOK', 100050],
		['1.000,50', 'nb', 'NOK', 100050],
		['1\u00a0000', 'nb', 'NOK', 100000],
		['12.50', 'nb', 'NOK', 1250],
		['kr 250,-', 'nb', 'NOK', 25000],
		['250,-', 'nb', 'NOK', 25000],
		['5 0', 'nb', 'NOK', 'not_a_number'],
		['1 00', 'nb', 'NOK', 'not_a_number'],
		['۱۰٫۰۰۱', 'fa-AF', 'NOK', 'too_many_decimals'],
		['۱۰٬۰۰۱', 'fa-AF', 'NOK', 1000100],
		['۲۵۰', 'fa-AF', 'NOK', 25000],
		['۵۰abc', 'fa-AF', 'NOK', 'not_a_number'],
		['۱٬۰۰۰', 'ps', 'NOK', 100000],
		['٢٥٠٫٥', 'ps', 'NOK', 25050]
	] as const)('reads %j on a %s page in %s as %j', (input, locale, currency, expected) => {
		expect(parseAmount(input, currency, locale)).toEqual(
			typeof expected === 'number'
				? { ok: true, amountMinor: expected }
				: { ok: false, reason: expected }
		);
	});
});

describe('formatting', () => {
	it('writes exact decimals without floating point', () => {
		expect(toDecimalString(25050, 'NOK')).toBe('250.50');
		expect(toDecimalString(5, 'EUR')).toBe('0.05');
		expect(toDecimalString(-1999, 'USD')).toBe('-19.99');
		expect(toInputString(25000, 'NOK')).toBe('250');
		expect(toInputString(1050, 'EUR')).toBe('10.50');
	});

	it('formats money for each language, whole amounts without decimals', () => {
		expect(formatMoney(25000, 'NOK', 'nb-NO')).toBe('250\u00a0kr');
		expect(formatMoney(25050, 'NOK', 'nb-NO')).toBe('250,50\u00a0kr');
		expect(formatMoney(1500, 'EUR', 'en-GB')).toBe('€15');
		expect(formatMoney(1999, 'USD', 'en-GB')).toBe('US$19.99');
		expect(formatMoney(25000, 'NOK', 'fa-AF')).toMatch(/۲۵۰/);
		expect(formatMoney(25000, 'NOK', 'ps-AF')).toMatch(/۲۵۰/);
	});

	it('never formats a float amount', () => {
		expect(() => formatMoney(10.5, 'NOK', 'en-GB')).toThrow(RangeError);
	});
});

describe('cardFeeTopUp', () => {
	it('adds enough that the whole gift arrives after a 2.4% + kr 2 fee', () => {
		const gift = 25000;
		const topUp = cardFeeTopUp(gift, 240, 200);
		const total = gift + topUp;
		const stripeFee = Math.round((total * 240) / 10_000) + 200;
		expect(total - stripeFee).toBeGreaterThanOrEqual(gift);
		expect(topUp).toBe(820);
	});

	it('adds nothing to nothing', () => {
		expect(cardFeeTopUp(0, 240, 200)).toBe(0);
	});
});
