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
		['€ 15', 1500],
		['15 EUR', 1500],
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
