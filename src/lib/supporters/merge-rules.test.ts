import { describe, expect, it } from 'vitest';
import { combineSupporters, concatenateNotes, type MergeableSupporter } from './merge-rules.ts';

const supporter = (overrides: Partial<MergeableSupporter> = {}): MergeableSupporter => ({
	name: '',
	email: null,
	phone: null,
	country: null,
	reference: null,
	stripe_customer_id: null,
	notes: '',
	tags: [],
	is_anonymous_by_default: false,
	...overrides
});

describe('what a merge does to the kept supporter', () => {
	it('fills the kept supporter’s blank fields from the other one and leaves the rest', () => {
		const outcome = combineSupporters(
			supporter({ name: 'Laila Ahmadi', email: 'laila@example.com', phone: ' ' }),
			supporter({
				name: 'L. Ahmadi',
				email: 'l.ahmadi@example.org',
				phone: '+47 912 34 567',
				country: 'NO',
				reference: '1234',
				stripe_customer_id: 'cus_123'
			})
		);
		expect(outcome.keptChanges).toEqual({
			phone: '+47 912 34 567',
			country: 'NO',
			reference: '1234',
			stripe_customer_id: 'cus_123'
		});
		expect(outcome.filledFields).toEqual(['phone', 'country', 'reference', 'stripe_customer_id']);
		expect(outcome.unmovedIdentifiers).toEqual(['email']);
	});

	it('joins tags and puts the notes together, the kept supporter’s first', () => {
		const outcome = combineSupporters(
			supporter({ tags: ['monthly', 'Oslo'], notes: 'Met at the Oslo event.' }),
			supporter({ tags: ['oslo', 'press'], notes: 'Prefers Dari.' })
		);
		expect(outcome.keptChanges).toEqual({
			tags: ['monthly', 'Oslo', 'press'],
			notes: 'Met at the Oslo event.\n\nPrefers Dari.'
		});
	});

	it('changes nothing when the other supporter adds nothing', () => {
		const kept = supporter({ name: 'Laila', tags: ['press'], notes: 'Same note' });
		expect(combineSupporters(kept, supporter({ tags: ['Press'], notes: 'Same note' }))).toEqual({
			keptChanges: {},
			filledFields: [],
			unmovedIdentifiers: []
		});
	});

	it('keeps a wish to give anonymously made under either record', () => {
		expect(
			combineSupporters(supporter(), supporter({ is_anonymous_by_default: true })).keptChanges
		).toEqual({ is_anonymous_by_default: true });
	});
});

describe('notes of two records', () => {
	it('are kept once when they are the same or one is empty', () => {
		expect(concatenateNotes('A', 'A')).toBe('A');
		expect(concatenateNotes('', 'B')).toBe('B');
		expect(concatenateNotes('A', '  ')).toBe('A');
		expect(concatenateNotes('A', 'B')).toBe('A\n\nB');
	});
});
