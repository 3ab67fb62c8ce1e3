import { describe, expect, it } from 'vitest';
import {
	FIRST_KID_NUMBER,
	formatKid,
	isPersonalKid,
	isValidMod10Kid,
	kidForNumber,
	mod10CheckDigit
} from './kid.ts';

describe('the MOD10 check digit', () => {
	it('is the digit Norwegian banks expect', () => {
		// Published MOD10 examples: 7992739871 + 3, and KIDs from the sample statements.
		expect(mod10CheckDigit('7992739871')).toBe(3);
		expect(mod10CheckDigit('100421')).toBe(7);
		expect(mod10CheckDigit('100443')).toBe(1);
		expect(mod10CheckDigit('0')).toBe(0);
	});

	it('refuses what is not digits', () => {
		expect(() => mod10CheckDigit('12a4')).toThrow();
	});
});

describe('a KID', () => {
	it('is valid with the right check digit, with or without spaces', () => {
		expect(isValidMod10Kid('79927398713')).toBe(true);
		expect(isValidMod10Kid('1004217')).toBe(true);
		expect(isValidMod10Kid('1000 0008')).toBe(true);
	});

	it('is invalid with a wrong check digit, a swapped pair of digits or letters', () => {
		expect(isValidMod10Kid('79927398710')).toBe(false);
		expect(isValidMod10Kid('1004218')).toBe(false);
		expect(isValidMod10Kid('1002417')).toBe(false);
		expect(isValidMod10Kid('10O4217')).toBe(false);
		expect(isValidMod10Kid('7')).toBe(false);
	});

	it('is personal only at its fixed length', () => {
		expect(isPersonalKid('10000008')).toBe(true);
		expect(isPersonalKid('1004217')).toBe(false);
		expect(isPersonalKid('10000009')).toBe(false);
	});
});

describe('KID allocation', () => {
	it('gives each number of the sequence its own valid KID of the same length', () => {
		const kids = Array.from({ length: 2000 }, (_, i) => kidForNumber(FIRST_KID_NUMBER + i));
		expect(kids[0]).toBe('10000008');
		expect(kids[1]).toBe('10000016');
		expect(new Set(kids).size).toBe(kids.length);
		expect(kids.every(isPersonalKid)).toBe(true);
	});

	it('refuses numbers that would give a KID of another length', () => {
		expect(() => kidForNumber(999_999)).toThrow(RangeError);
		expect(() => kidForNumber(10_000_000)).toThrow(RangeError);
	});

	it('prints in groups of four', () => {
		expect(formatKid('10000008')).toBe('1000 0008');
	});
});
