import { z } from 'zod';
import { isLocale, type Locale } from '../locales.ts';

// The rules of the supporter edit form and the erase confirmation. Pure: no SvelteKit, no
// database, so they test in milliseconds and the server applies them to every submission.

export const supporterFields = [
	'name',
	'email',
	'phone',
	'country',
	'preferredLocale',
	'reference',
	'tags',
	'notes'
] as const;
export type SupporterField = (typeof supporterFields)[number];

export type SupporterFieldError =
	| 'name_too_long'
	| 'email_invalid'
	| 'email_taken'
	| 'phone_invalid'
	| 'country_invalid'
	| 'locale_unknown'
	| 'reference_invalid'
	| 'reference_taken'
	| 'tag_too_long'
	| 'too_many_tags'
	| 'notes_too_long';

/** What staff typed, kept as text so the form can be shown again exactly as it was. */
export interface SupporterFormValues {
	name: string;
	email: string;
	phone: string;
	country: string;
	preferredLocale: string;
	reference: string;
	tags: string;
	notes: string;
	hasContactConsent: boolean;
}

/** A valid edit: empty optional fields are null. */
export interface SupporterEdit {
	name: string;
	email: string | null;
	phone: string | null;
	country: string | null;
	preferredLocale: Locale;
	reference: string | null;
	tags: string[];
	notes: string;
	hasContactConsent: boolean;
}

export const MAX_TAG_LENGTH = 50;
export const MAX_TAGS = 30;
export const MAX_NOTES_LENGTH = 10_000;

export type TagParseResult =
	{ ok: true; tags: string[] } | { ok: false; reason: 'tag_too_long' | 'too_many_tags' };

/**
 * "monthly, Oslo ,  press,monthly" → ["monthly", "Oslo", "press"]: split on commas, spaces tidied,
 * empty ones dropped, and the first spelling kept of tags that differ only in case.
 */
export function parseTags(text: string): TagParseResult {
	const tags: string[] = [];
	const seen = new Set<string>();
	for (const part of text.split(/[,،]/)) {
		const tag = part.replace(/\s+/g, ' ').trim();
		if (tag === '') continue;
		if ([...tag].length > MAX_TAG_LENGTH) return { ok: false, reason: 'tag_too_long' };
		const key = tag.toLocaleLowerCase();
		if (seen.has(key)) continue;
		seen.add(key);
		tags.push(tag);
	}
	if (tags.length > MAX_TAGS) return { ok: false, reason: 'too_many_tags' };
	return { ok: true, tags };
}

/** The tags as the form shows them. */
export function formatTags(tags: readonly string[]): string {
	return tags.join(', ');
}

/** Both lists' tags, the first list's first, each once whatever its case. */
export function unionTags(first: readonly string[], second: readonly string[]): string[] {
	const seen = new Set<string>();
	const tags: string[] = [];
	for (const tag of [...first, ...second]) {
		const key = tag.toLocaleLowerCase();
		if (seen.has(key)) continue;
		seen.add(key);
		tags.push(tag);
	}
	return tags;
}

export function readSupporterForm(form: FormData): SupporterFormValues {
	const text = (name: string) => {
		const value = form.get(name);
		return typeof value === 'string' ? value : '';
	};
	return {
		name: text('name'),
		email: text('email'),
		phone: text('phone'),
		country: text('country'),
		preferredLocale: text('preferredLocale'),
		reference: text('reference'),
		tags: text('tags'),
		notes: text('notes'),
		hasContactConsent: form.get('hasContactConsent') === 'on'
	};
}

const optional = (value: string) => {
	const trimmed = value.trim();
	return trimmed === '' ? null : trimmed;
};

const emailShape = z.email();
// A telephone number as people write one: digits with spaces, dashes, dots, brackets, a leading +.
const phoneShape = /^\+?[\d\s().-]{4,40}$/;
// A KID or donor number: letters and digits, with the separators banks print.
const referenceShape = /^[\p{L}\p{N}][\p{L}\p{N} ./-]{0,63}$/u;

export type SupporterValidation =
	| { ok: true; edit: SupporterEdit }
	| { ok: false; errors: Partial<Record<SupporterField, SupporterFieldError>> };

export function validateSupporterForm(values: SupporterFormValues): SupporterValidation {
	const errors: Partial<Record<SupporterField, SupporterFieldError>> = {};
	const name = values.name.trim();
	if ([...name].length > 200) errors.name = 'name_too_long';

	const email = optional(values.email);
	if (email !== null && (email.length > 254 || !emailShape.safeParse(email).success))
		errors.email = 'email_invalid';

	const phone = optional(values.phone);
	if (phone !== null && (!phoneShape.test(phone) || !/\d/.test(phone)))
		errors.phone = 'phone_invalid';

	const countryText = optional(values.country);
	const country = countryText === null ? null : countryText.toUpperCase();
	if (country !== null && !/^[A-Z]{2}$/.test(country)) errors.country = 'country_invalid';

	const preferredLocale = values.preferredLocale;
	if (!isLocale(preferredLocale)) errors.preferredLocale = 'locale_unknown';

	const reference = optional(values.reference);
	if (reference !== null && !referenceShape.test(reference)) errors.reference = 'reference_invalid';

	const tags = parseTags(values.tags);
	if (!tags.ok) errors.tags = tags.reason;

	const notes = values.notes.replace(/\r\n/g, '\n').trim();
	if (notes.length > MAX_NOTES_LENGTH) errors.notes = 'notes_too_long';

	if (Object.keys(errors).length > 0 || !tags.ok || !isLocale(preferredLocale))
		return { ok: false, errors };
	return {
		ok: true,
		edit: {
			name,
			email,
			phone,
			country,
			preferredLocale,
			reference,
			tags: tags.tags,
			notes,
			hasContactConsent: values.hasContactConsent
		}
	};
}

/** The word that confirms an erasure whatever the supporter's name. */
export const ERASE_CONFIRMATION_WORD = 'ERASE';

/** Erasure is confirmed by typing the supporter's name (when they have one) or "ERASE". */
export function isErasureConfirmed(typed: string, supporterName: string): boolean {
	const answer = typed.trim();
	if (answer === '') return false;
	if (answer.toUpperCase() === ERASE_CONFIRMATION_WORD) return true;
	const name = supporterName.trim();
	return name !== '' && answer.toLocaleLowerCase() === name.toLocaleLowerCase();
}
