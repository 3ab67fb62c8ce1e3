import { parseBankCsv, type BankCsvResult, type CsvMapping } from './bank-csv.ts';
import { parseCamt053 } from './camt053.ts';
import type { ImportFormat, ParsedImport } from './import-row.ts';
import { parseVippsCsv } from './vipps-csv.ts';

export interface ParseImportOptions {
	mapping?: CsvMapping;
	defaultCurrency: string;
}

export type ParsedImportFile = ParsedImport & {
	csv: Omit<BankCsvResult, keyof ParsedImport> | null;
};

/** Reads a file in one of the import formats. Every row becomes a gift, a malformed row or a skip. */
export function parseImportFile(
	format: ImportFormat,
	content: string,
	options: ParseImportOptions
): ParsedImportFile {
	switch (format) {
		case 'camt053':
			return { ...parseCamt053(content), csv: null };
		case 'vipps_csv':
			return { ...parseVippsCsv(content), csv: null };
		case 'bank_csv': {
			const { rows, malformed, skipped, fileError, ...csv } = parseBankCsv(content, options);
			return { rows, malformed, skipped, fileError, csv };
		}
	}
}
