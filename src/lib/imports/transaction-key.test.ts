import { describe, expect, it } from 'vitest';
import { accountKey, bankTransactionKeys } from './transaction-key.ts';

describe('accountKey', () => {
	it('gives a Norwegian account the same digits however it is written', () => {
		expect(accountKey('0530.22.94668')).toBe('05302294668');
		expect(accountKey('0530 22 94668')).toBe('05302294668');
		expect(accountKey('NO15 0530 2294 668')).toBe('05302294668');
		expect(accountKey('DE89370400440532013000')).toBe('DE89370400440532013000');
	});
});

describe('bankTransactionKeys', () => {
	const row = (bookedOn: string, amountMinor: number, account: string | null = null) => ({
		bookedOn,
		amountMinor,
		currency: 'NOK',
		account
	});

	it('gives the same transfer the same key from a statement and from a CSV export', () => {
		const [fromCamt] = bankTransactionKeys([row('2026-05-12', 75000, 'NO1505302294668')], '');
		const [fromCsv] = bankTransactionKeys([row('2026-05-12', 75000)], '0530.22.94668');
		expect(fromCamt).toBe(fromCsv);
		expect(fromCamt).toBe('bank:05302294668|2026-05-12|75000|NOK|1');
	});

	it('keeps two gifts of the same amount on the same day apart', () => {
		const keys = bankTransactionKeys(
			[row('2026-05-12', 25000), row('2026-05-12', 25000), row('2026-05-13', 25000)],
			'05302294668'
		);
		expect(new Set(keys).size).toBe(3);
		expect(keys[1]).toBe('bank:05302294668|2026-05-12|25000|NOK|2');
	});
});
