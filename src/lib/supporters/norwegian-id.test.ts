import { describe, expect, it } from 'vitest';
import { hasValidCheckDigits, maskNorwegianId, parseNorwegianId } from './norwegian-id.ts';

const today = new Date('2026-11-26T12:00:00Z');
const parse = (input: string) => parseNorwegianId(input, today);

describe('parseNorwegianId', () => {
	it.each([
		['15076500565', '1965-07-15'],
		['01010750160', '2007-01-01'],
		// 29 February 2000: individual number 500-999 with year 00-39 is the 2000s, a leap year.
		['29020050088', '2000-02-29'],
		['31129949980', '1999-12-31'],
		['01010050053', '2000-01-01']
	])('accepts the fødselsnummer %s (born %s)', (number, birthDate) => {
		expect(parse(number)).toEqual({ ok: true, kind: 'fnr', number, birthDate });
	});

	it.each([
		['41018036736', '1980-01-01'],
		['71019012306', '1990-01-31'],
		['45029010076', '1990-02-05']
	])('accepts the D-nummer %s, whose first digit is 4 more than the day’s', (number, birthDate) => {
		expect(parse(number)).toEqual({ ok: true, kind: 'dnr', number, birthDate });
	});

	it('accepts spaces and Eastern Arabic or Persian digits as typed', () => {
		expect(parse(' 150765 00565 ')).toMatchObject({ ok: true, number: '15076500565' });
		expect(parse('۱۵۰۷۶۵۰۰۵۶۵')).toMatchObject({ ok: true, number: '15076500565' });
		expect(parse('١٥٠٧٦٥٠٠٥٦٥')).toMatchObject({ ok: true, number: '15076500565' });
	});

	it.each(['15076500566', '15076500575', '15076500665', '41018036737', '01010750161'])(
		'refuses %s, whose check digits are wrong',
		(number) => {
			expect(parse(number)).toEqual({ ok: false, problem: 'check_digits' });
		}
	);

	it.each([
		['29020010027', '29 February 1900 (not a leap year)'],
		['31049010039', '31 April'],
		['01138510030', 'month 13'],
		['00018510073', 'day 0'],
		['32018510064', 'day 32'],
		['72019010091', 'a D-nummer for day 32']
	])('refuses %s with right check digits but an impossible date: %s', (number) => {
		expect(hasValidCheckDigits(number)).toBe(true);
		expect(parse(number)).toEqual({ ok: false, problem: 'date' });
	});

	it('refuses a birth date still to come', () => {
		// 1 January 2030: individual number 500 with year 30 belongs to the 2000s.
		expect(hasValidCheckDigits('01013050038')).toBe(true);
		expect(parse('01013050038')).toEqual({ ok: false, problem: 'date' });
		expect(parseNorwegianId('01013050038', new Date('2031-01-01T00:00:00Z'))).toMatchObject({
			ok: true
		});
	});

	it.each([
		['', 'empty'],
		['   ', 'empty'],
		['1507650056', 'length'],
		['150765005655', 'length'],
		['15076500-565', 'not_digits'],
		['1507650056a', 'not_digits']
	])('refuses %j: %s', (input, problem) => {
		expect(parse(input)).toEqual({ ok: false, problem });
	});
});

describe('maskNorwegianId', () => {
	it('shows only the last two digits', () => {
		expect(maskNorwegianId('65')).toBe('•••••• •••65');
	});
});
