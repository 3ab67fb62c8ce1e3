// Which format a file is, read from the file itself. Staff's choice is only a hint: a valid
// camt.053 statement chosen as "CSV" is still read as camt.053, not refused as malformed CSV, and a
// CSV export chosen as camt.053 no longer says "not well-formed XML".
import { readBankCsvLayout } from './bank-csv.ts';
import type { ImportFormat } from './import-row.ts';
import { parseVippsCsv } from './vipps-csv.ts';

const looksLikeXml = (text: string) => /^\s*</.test(text);

// Columns only Vipps reports have; a bank export has a date, an amount and an id too.
const vippsColumns = /gebyr|fee|netto|\bnet\b|vippsnummer|salgssted|salesunit|settlement|oppgjør/i;

/** The header lines near the top: lines that do not start with a date or a number. */
function headerLines(text: string): string[] {
	return text
		.split(/\r?\n/)
		.slice(0, 20)
		.filter((line) => !/^["']?\d/.test(line.trim()));
}

/**
 * The format the content is in: XML is a camt.053 statement (of any version; the parser says if
 * it is another kind of XML); a CSV with Vipps' settlement columns is a Vipps report; any other
 * table with a date and an amount is a bank export. `hint` decides only what the content leaves
 * open.
 */
export function detectImportFormat(content: string, hint: ImportFormat): ImportFormat {
	const text = content.replace(/^\uFEFF/, '');
	if (looksLikeXml(text)) return 'camt053';
	if (!text.trim()) return hint;
	const isVippsLike = headerLines(text).some((line) => vippsColumns.test(line));
	if (isVippsLike && parseVippsCsv(text).fileError === null) return 'vipps_csv';
	if (readBankCsvLayout(text)) return 'bank_csv';
	return hint === 'camt053' ? 'bank_csv' : hint;
}
