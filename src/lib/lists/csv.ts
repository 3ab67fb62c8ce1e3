// The lists' CSV in two dialects. "excel" is what Excel in Norway opens as numbers and dates:
// UTF-8 with a byte order mark (so æøå survive), semicolons between fields (the Norwegian list
// separator), a decimal comma ("250,00") and local date-times ("2025-03-06 13:00", the day
// alone where only the day is known). "standard" is for other tools: commas, a decimal point and
// ISO 8601 instants in UTC, no byte order mark. Both use CRLF line ends and RFC 4180 quoting.
//
// The exports write a million lines, so a line is built here directly: csv-stringify, which
// the tests use as the reference, spends about 20 µs a line on per-field bookkeeping, and that
// alone would take the export of every contribution past its 10 seconds.

export const CSV_BOM = '\uFEFF';

export const csvDialects = ['excel', 'standard'] as const;
export type CsvDialect = (typeof csvDialects)[number];

/** The dialect a link asks for (`?csv=standard`); Excel's unless it says otherwise. */
export function parseCsvDialect(value: string | null): CsvDialect {
	return value === 'standard' ? 'standard' : 'excel';
}

export const csvDelimiter = (dialect: CsvDialect) => (dialect === 'excel' ? ';' : ',');

const needsQuotes = { excel: /[";\r\n]/, standard: /[",\r\n]/ };

/** One field: quoted, with its quotes doubled, when it holds a quote, delimiter or line break. */
export function csvField(value: string, dialect: CsvDialect = 'excel'): string {
	return needsQuotes[dialect].test(value) ? `"${value.replaceAll('"', '""')}"` : value;
}

/** One record, line end included. */
export function csvLine(fields: string[], dialect: CsvDialect = 'excel'): string {
	const delimiter = csvDelimiter(dialect);
	let line = '';
	for (let i = 0; i < fields.length; i++) {
		if (i > 0) line += delimiter;
		line += csvField(fields[i], dialect);
	}
	return `${line}\r\n`;
}

/** An exact decimal amount ("250.00") as the dialect writes numbers: "250,00" for Excel. */
export function csvDecimal(decimal: string, dialect: CsvDialect): string {
	return dialect === 'excel' ? decimal.replace('.', ',') : decimal;
}

/**
 * Text a person typed, made safe to open in a spreadsheet: a cell that starts like a formula
 * (=, +, -, @, tab, carriage return) gets an apostrophe in front, so it is shown, never run.
 * Plain numbers and phone numbers ("+47 912 34 567") are left as they are.
 */
export function inertText(value: string | null | undefined): string {
	if (!value) return '';
	if (/^[=+\-@\t\r]/.test(value) && !/^[+-]?[\d\s().]+$/.test(value)) return `'${value}`;
	return value;
}
