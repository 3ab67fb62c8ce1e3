import { describe, expect, it } from 'vitest';
import {
	formatTags,
	isErasureConfirmed,
	parseTags,
	unionTags,
	validateSupporterForm,
	type SupporterFormValues
} from './supporter-form.ts';

const values = (overrides: Partial<SupporterFormValues> = {}): SupporterFormValues => ({
	name: 'Laila Ahmadi',
	email: 'laila@example.com',
	phone: '+47 912 34 567',
	country: 'no',
	preferredLocale: 'fa-AF',
	reference: '1234 5678',
	tags: 'monthly, Oslo',
	notes: 'Met at the Oslo event.',
	hasContactConsent: true,
	...overrides
});

describe('tags typed with commas', () => {
	it('splits on commas, tidies spaces and drops empty ones', () => {
		expect(parseTags(' monthly,  Oslo   event ,, press,')).toEqual({
			ok: true,
			tags: ['monthly', 'Oslo event', 'press']
		});
	});

	it('keeps the first spelling of tags that differ only in case', () => {
		expect(parseTags('Oslo, oslo, OSLO, press')).toEqual({ ok: true, tags: ['Oslo', 'press'] });
	});

	it('understands the Arabic comma Pashto and Dari keyboards type', () => {
		expect(parseTags('ماهانه، کابل')).toEqual({ ok: true, tags: ['ماهانه', 'کابل'] });
	});

	it('refuses a tag longer than 50 characters and more than 30 tags', () => {
		expect(parseTags('x'.repeat(51))).toEqual({ ok: false, reason: 'tag_too_long' });
		expect(parseTags('د'.repeat(50))).toMatchObject({ ok: true });
		const many = Array.from({ length: 31 }, (_, i) => `tag${i}`).join(',');
		expect(parseTags(many)).toEqual({ ok: false, reason: 'too_many_tags' });
	});

	it('shows tags back as the form takes them', () => {
		const tags = ['monthly', 'Oslo event'];
		expect(formatTags(tags)).toBe('monthly, Oslo event');
		expect(parseTags(formatTags(tags))).toEqual({ ok: true, tags });
	});

	it('joins two lists of tags, the first list’s first, each once whatever its case', () => {
		expect(unionTags(['monthly', 'Oslo'], ['oslo', 'press'])).toEqual(['monthly', 'Oslo', 'press']);
	});
});

describe('the supporter edit form', () => {
	it('accepts a full edit, with the country in capitals and empty fields as null', () => {
		expect(validateSupporterForm(values())).toEqual({
			ok: true,
			edit: {
				name: 'Laila Ahmadi',
				email: 'laila@example.com',
				phone: '+47 912 34 567',
				country: 'NO',
				preferredLocale: 'fa-AF',
				reference: '1234 5678',
				tags: ['monthly', 'Oslo'],
				notes: 'Met at the Oslo event.',
				hasContactConsent: true
			}
		});
		expect(
			validateSupporterForm(
				values({ email: ' ', phone: '', country: '', reference: '', tags: '', name: '' })
			)
		).toMatchObject({
			ok: true,
			edit: { email: null, phone: null, country: null, reference: null, tags: [], name: '' }
		});
	});

	it('names each field that is wrong', () => {
		expect(
			validateSupporterForm(
				values({
					name: 'x'.repeat(201),
					email: 'not an email',
					phone: 'call me',
					country: 'Norway',
					preferredLocale: 'de',
					reference: '<1234>',
					tags: 'x'.repeat(51),
					notes: 'x'.repeat(10_001)
				})
			)
		).toEqual({
			ok: false,
			errors: {
				name: 'name_too_long',
				email: 'email_invalid',
				phone: 'phone_invalid',
				country: 'country_invalid',
				preferredLocale: 'locale_unknown',
				reference: 'reference_invalid',
				tags: 'tag_too_long',
				notes: 'notes_too_long'
			}
		});
	});

	it('keeps script tags and SQL in names and notes as plain text', () => {
		const name = '<script>alert(1)</script>';
		const notes = "'); drop table supporter; --";
		expect(validateSupporterForm(values({ name, notes }))).toMatchObject({
			ok: true,
			edit: { name, notes }
		});
	});
});

describe('confirming an erasure', () => {
	it('takes the supporter’s name in any case, or the word ERASE', () => {
		expect(isErasureConfirmed(' laila ahmadi ', 'Laila Ahmadi')).toBe(true);
		expect(isErasureConfirmed('ERASE', 'Laila Ahmadi')).toBe(true);
		expect(isErasureConfirmed('erase', '')).toBe(true);
	});

	it('refuses anything else, and an empty answer for a supporter without a name', () => {
		expect(isErasureConfirmed('Laila', 'Laila Ahmadi')).toBe(false);
		expect(isErasureConfirmed('', '')).toBe(false);
		expect(isErasureConfirmed('  ', '  ')).toBe(false);
	});
});
