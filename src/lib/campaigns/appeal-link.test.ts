import { describe, expect, it } from 'vitest';
import { appealLink, readAppealLinkChoices } from './appeal-link.ts';

const read = (query: string) =>
	readAppealLinkChoices(new URLSearchParams(query), ['NOK', 'EUR', 'USD']);

describe('a campaign link with choices made for the reader', () => {
	it('carries amount, currency, frequency and utm values on the short address', () => {
		const { choices, errors } = read(
			'amount=300&currency=nok&frequency=monthly&utm_source=newsletter&utm_medium=email&utm_campaign=december'
		);
		expect(errors).toEqual({});
		expect(appealLink('https://give.example.org', 'year-end', choices)).toBe(
			'https://give.example.org/c/year-end?amount=300&currency=NOK&frequency=monthly&utm_source=newsletter&utm_medium=email&utm_campaign=december'
		);
	});

	it('writes the amount as the appeal’s field shows it, whatever way staff typed it', () => {
		expect(read('amount=1 000,50&currency=EUR').choices.amount).toBe('1000.50');
		expect(read('amount=۲۵۰').choices.amount).toBe('250');
	});

	it('is the plain campaign address when nothing is chosen', () => {
		expect(appealLink('https://give.example.org', 'year-end', read('').choices)).toBe(
			'https://give.example.org/c/year-end'
		);
	});

	it('leaves out what cannot be used, with an error for its field', () => {
		const { choices, errors } = read(
			`amount=lots&currency=SEK&frequency=weekly&utm_source=${'x'.repeat(101)}`
		);
		expect(errors).toEqual({
			amount: 'invalid_amount',
			currency: 'invalid_currency',
			utm_source: 'too_long'
		});
		expect(appealLink('https://give.example.org', 'year-end', choices)).toBe(
			'https://give.example.org/c/year-end'
		);
	});
});
