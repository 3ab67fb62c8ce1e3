import { describe, expect, it } from 'vitest';
import { readFixture } from '../../../tests/fixtures/read-fixture.ts';
import { detectImportFormat } from './detect-format.ts';

describe('detectImportFormat', () => {
	it('reads the format from the file whatever staff chose', () => {
		for (const hint of ['camt053', 'bank_csv', 'vipps_csv'] as const) {
			expect(detectImportFormat(readFixture('camt053-dnb.xml'), hint)).toBe('camt053');
			expect(detectImportFormat(readFixture('camt053-v08.xml'), hint)).toBe('camt053');
			expect(detectImportFormat(readFixture('bank-dnb.csv'), hint)).toBe('bank_csv');
			expect(detectImportFormat(readFixture('bank-iso.csv'), hint)).toBe('bank_csv');
			expect(detectImportFormat(readFixture('vipps-settlement.csv'), hint)).toBe('vipps_csv');
		}
	});

	it('keeps the choice for an empty file', () => {
		expect(detectImportFormat('', 'vipps_csv')).toBe('vipps_csv');
	});
});
