import { describe, expect, it } from 'vitest';
import { numberQuery } from './search-query.ts';

describe('numberQuery', () => {
	it('searches a phone, a KID or an account number by its digits, without +47', () => {
		expect(numberQuery('412 34 567')).toBe('41234567');
		expect(numberQuery('+47 412 34 567')).toBe('41234567');
		expect(numberQuery('0047 41234567')).toBe('41234567');
		expect(numberQuery('1000 0008')).toBe('10000008');
		expect(numberQuery('0530.22.94668')).toBe('05302294668');
	});

	it('leaves words and short numbers to the ordinary search', () => {
		expect(numberQuery('Laila 412')).toBeNull();
		expect(numberQuery('12')).toBeNull();
		expect(numberQuery('KID 123')).toBeNull();
	});
});
