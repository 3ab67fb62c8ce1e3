// CSV as Excel in Norway opens it: UTF-8 with a byte order mark (so æøå survive), semicolons
// between fields (the Norwegian list separator), CRLF line ends, RFC 4180 quoting.
//
// The exports write a million lines, so a line is built here directly: csv-stringify, which
// the tests use as the reference, spends about 20 µs a line on per-field bookkeeping, and that
// alone would take the export of every contribution past its 10 seconds.

export const CSV_BOM = '\uFEFF';
export const CSV_DELIMITER = ';';

const needsQuotes = /[";\r\n]/;

/** One field: quoted, with its quotes doubled, when it holds a quote, semicolon or line break. */
export function csvField(value: string): string {
	return needsQuotes.test(value) ? `"${value.replaceAll('"', '""')}"` : value;
}

/** One record, line end included. */
export function csvLine(fields: string[]): string {
	let line = '';
	for (let i = 0; i < fields.length; i++) {
		if (i > 0) line += CSV_DELIMITER;
		line += csvField(fields[i]);
	}
	return `${line}\r\n`;
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
