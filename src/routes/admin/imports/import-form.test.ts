import { describe, expect, it } from 'vitest';
import {
	readChoices,
	readFileName,
	readFormat,
	readHiddenSuggestions,
	readMapping,
	readSendReceipts
} from './import-form.server';
import { encodeImportFile } from '$lib/server/imports/import-file';

const form = (entries: [string, string][]) => {
	const data = new FormData();
	for (const [key, value] of entries) data.append(key, value);
	return data;
};

describe('the import forms', () => {
	it('send receipts only when the tick was posted', () => {
		expect(readSendReceipts(form([['send-receipts', 'yes']]))).toBe(true);
		expect(readSendReceipts(form([['format', 'camt053']]))).toBe(false);
	});

	it('read only the known formats', () => {
		expect(readFormat(form([['format', 'camt053']]))).toBe('camt053');
		expect(readFormat(form([['format', 'pdf']]))).toBeNull();
		expect(readFormat(form([]))).toBeNull();
	});

	it('read the column mapping only when the preview showed one', () => {
		expect(readMapping(form([['mapping-date', '0']]))).toBeUndefined();
		expect(
			readMapping(
				form([
					['has-mapping', '1'],
					['mapping-date', '0'],
					['mapping-amount', '4'],
					['mapping-currency', ''],
					['mapping-name', '-1'],
					['mapping-unknown', '2']
				])
			)
		).toEqual({ date: 0, amount: 4 });
	});

	it('read each row’s choice by its line', () => {
		expect(
			readChoices(
				form([
					['choice-2', 'new'],
					['choice-14', '3f1d3115-07ca-47af-952e-ec3f66eaee59'],
					['choice-x', 'skip'],
					['format', 'bank_csv']
				])
			)
		).toEqual({ 2: 'new', 14: '3f1d3115-07ca-47af-952e-ec3f66eaee59' });
	});

	it('give a file without a name one', () => {
		expect(readFileName('  ')).toBe('import');
		expect(readFileName(' bank.csv ')).toBe('bank.csv');
		expect(readFileName(null)).toBe('import');
	});

	it('read the preview’s carried suggestions only as the preview wrote them', () => {
		const suggestions = { fileSha256: 'a'.repeat(64), mapping: { date: 0 }, choices: { 3: 'new' } };
		const field = encodeImportFile(JSON.stringify(suggestions));
		expect(readHiddenSuggestions(form([['hidden-suggestions', field]]))).toEqual({
			...suggestions,
			choices: { '3': 'new' }
		});
		const tampered = encodeImportFile(JSON.stringify({ ...suggestions, fileSha256: 'x' }));
		expect(readHiddenSuggestions(form([['hidden-suggestions', tampered]]))).toBeUndefined();
		expect(readHiddenSuggestions(form([['hidden-suggestions', 'not base64!']]))).toBeUndefined();
		expect(readHiddenSuggestions(form([]))).toBeUndefined();
	});
});
