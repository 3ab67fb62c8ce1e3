import { describe, expect, it } from 'vitest';
import { formatOrganisationNumber, normaliseOrganisationNumber } from './organisation-number.ts';

describe('Norwegian organisation numbers', () => {
	it('accepts a real number however it is written', () => {
		// Brønnøysundregistrene's own number.
		for (const written of ['974760673', '974 760 673', 'NO 974 760 673 MVA', '974.760.673'])
			expect(normaliseOrganisationNumber(written)).toBe('974760673');
	});

	it('refuses a wrong check digit, a wrong length and letters', () => {
		for (const written of ['974760674', '97476067', '9747606730', 'abc760673', ''])
			expect(normaliseOrganisationNumber(written)).toBeNull();
	});

	it('writes the digits in groups of three', () => {
		expect(formatOrganisationNumber('974760673')).toBe('974 760 673');
	});
});
