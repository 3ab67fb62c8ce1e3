import { z } from 'zod';
import { csvMappingFields, type CsvMapping } from '$lib/imports/csv-mapping';
import { importFormats } from '$lib/imports/import-row';
import { decodeImportFile } from '$lib/server/imports/import-file';
import type { HiddenSuggestions, ImportChoice } from '$lib/server/imports/preview';

// What the import forms post, read once here: the preview and commit actions trust these types.

const formatSchema = z.enum(importFormats);
const fileNameSchema = z
	.string()
	.trim()
	.max(255)
	.transform((name) => name || 'import');

export function readFormat(form: FormData) {
	const result = formatSchema.safeParse(form.get('format'));
	return result.success ? result.data : null;
}

export function readFileName(value: FormDataEntryValue | null): string {
	return fileNameSchema.parse(typeof value === 'string' ? value : '');
}

/**
 * The column mapping from the preview's selects (`mapping-date`, `mapping-amount`, …), or
 * undefined when the form had none, so the remembered or guessed mapping applies.
 */
export function readMapping(form: FormData): CsvMapping | undefined {
	if (form.get('has-mapping') !== '1') return undefined;
	const mapping: CsvMapping = {};
	for (const field of csvMappingFields) {
		const value = form.get(`mapping-${field}`);
		if (typeof value === 'string' && /^\d{1,3}$/.test(value)) mapping[field] = Number(value);
	}
	return mapping;
}

/** The "send receipts" tick on the preview; off unless staff tick it. */
export function readSendReceipts(form: FormData): boolean {
	return form.get('send-receipts') === 'yes';
}

/** Each row's choice (`choice-<line>`): a supporter id, 'new' or 'skip'; checked by commitImport. */
export function readChoices(form: FormData): Record<number, ImportChoice> {
	const choices: Record<number, ImportChoice> = {};
	for (const [key, value] of form) {
		const line = /^choice-(\d{1,7})$/.exec(key)?.[1];
		if (line && typeof value === 'string' && value.length <= 64) choices[Number(line)] = value;
	}
	return choices;
}

const hiddenSuggestionsSchema = z.object({
	fileSha256: z.string().regex(/^[0-9a-f]{64}$/),
	mapping: z.partialRecord(z.enum(csvMappingFields), z.number().int().min(0).max(999)).nullable(),
	choices: z.record(z.string().regex(/^\d{1,7}$/), z.string().max(64))
});

/**
 * The preview's suggestions for the rows its page left out (`hidden-suggestions`), or undefined
 * when the field is missing or not what the preview wrote; commitImport checks they were made
 * for the file and columns it imports.
 */
export function readHiddenSuggestions(form: FormData): HiddenSuggestions | undefined {
	const field = form.get('hidden-suggestions');
	const text = typeof field === 'string' ? decodeImportFile(field) : null;
	if (text === null) return undefined;
	try {
		const result = hiddenSuggestionsSchema.safeParse(JSON.parse(text));
		return result.success ? result.data : undefined;
	} catch {
		return undefined;
	}
}
