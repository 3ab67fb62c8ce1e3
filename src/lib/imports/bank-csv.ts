// Bank statements exported as CSV: DNB's "Dato;Forklaring;Rentedato;Ut fra konto;Inn på konto",
// the other Norwegian banks' variants, and plain ISO files. Staff choose which column holds what;
// a mapping is guessed from the header names (English and Norwegian).
import { readBankText } from './bank-text.ts';
import { csvMappingFields, type CsvMapping, type CsvMappingField } from './csv-mapping.ts';
import { normaliseHeader, readCsvTable, type CsvDelimiter, type CsvRecord } from './csv-table.ts';
import {
	cleanText,
	countSkip,
	parseBookingDate,
	parseExportAmount,
	readCurrency,
	readEmail,
	readKid,
	sha256Hex,
	type ImportRow,
	type MalformedRow,
	type ParsedImport,
	type SkippedCounts
} from './import-row.ts';

export { csvMappingFields, type CsvMapping, type CsvMappingField } from './csv-mapping.ts';

// Header names as banks write them, normalised (see normaliseHeader); the first match wins, so
// the booking date ("Dato") is preferred to the value date ("Rentedato"), which is never taken.
const headerAliases: Record<CsvMappingField, string[]> = {
	date: [
		'dato',
		'bokført dato',
		'bokføringsdato',
		'bokført',
		'transaksjonsdato',
		'date',
		'booking date',
		'booked',
		'booked on',
		'transaction date'
	],
	amount: [
		'inn på konto',
		'inn på konto (nok)',
		'inn',
		'innskudd',
		'beløp',
		'belop',
		'beløp inn',
		'amount',
		'credit',
		'kredit',
		'money in',
		'paid in'
	],
	currency: ['valuta', 'currency', 'ccy'],
	reference: [
		'arkivreferanse',
		'transaksjons-id',
		'transaksjonsid',
		'referanse',
		'ref.',
		'transaction id',
		'transaction reference',
		'reference',
		'id'
	],
	name: ['navn', 'avsender', 'betaler', 'fra', 'name', 'payer', 'payer name', 'sender', 'from'],
	email: ['e-post', 'epost', 'e-postadresse', 'email', 'e-mail', 'email address'],
	phone: ['telefon', 'mobil', 'mobilnummer', 'telefonnummer', 'phone', 'mobile', 'phone number'],
	message: [
		'forklaring',
		'tekst',
		'beskrivelse',
		'melding',
		'tittel',
		'description',
		'text',
		'message',
		'details',
		'narrative'
	],
	kid: ['kid', 'kid-nummer', 'kidnummer', 'kid nr', 'kid-nr', 'kid number']
};

/** The mapping the header names suggest: each field takes the first column one of its names fits. */
export function guessCsvMapping(headers: string[]): CsvMapping {
	const normalised = headers.map(normaliseHeader);
	const mapping: CsvMapping = {};
	const taken = new Set<number>();
	for (const field of csvMappingFields) {
		for (const alias of headerAliases[field]) {
			const index = normalised.findIndex((header, i) => header === alias && !taken.has(i));
			if (index >= 0) {
				mapping[field] = index;
				taken.add(index);
				break;
			}
		}
	}
	return mapping;
}

/** Whether a mapping names existing, distinct columns and has the required date and amount. */
export function isCompleteMapping(mapping: CsvMapping, columnCount: number): boolean {
	const indexes = Object.values(mapping);
	return (
		mapping.date !== undefined &&
		mapping.amount !== undefined &&
		indexes.every((i) => Number.isInteger(i) && i >= 0 && i < columnCount) &&
		new Set(indexes).size === indexes.length
	);
}

export interface BankCsvResult extends ParsedImport {
	delimiter: CsvDelimiter | null;
	/** The header cells, or empty strings for a file without a header row. */
	headers: string[];
	/** The first data row, to help staff recognise the columns. */
	sample: string[];
	/** Identifies a bank's layout, so the mapping chosen for it can be remembered. */
	headerSignature: string;
	/** The mapping used: the one given, else the guess. */
	mapping: CsvMapping;
}

const looksLikeData = (cell: string) =>
	parseBookingDate(cell) !== null || /^-?[\d\s.,]+$/.test(cell.trim());

/** The header row: the first of the first rows whose names reveal a date and an amount column. */
function findHeader(records: CsvRecord[]): { index: number; hasHeader: boolean } {
	const candidates = records.slice(0, 15);
	const named = candidates.findIndex((record) => {
		const guess = guessCsvMapping(record.cells);
		return guess.date !== undefined && guess.amount !== undefined;
	});
	if (named >= 0) return { index: named, hasHeader: true };
	// No names we know: a first row of words is a header all the same; a first row of dates and
	// amounts means the file has none.
	const first = candidates[0];
	const hasHeader = first !== undefined && !first.cells.some((cell) => looksLikeData(cell));
	return { index: 0, hasHeader };
}

export interface BankCsvOptions {
	mapping?: CsvMapping;
	/** For files without a currency column: the organisation's currency. */
	defaultCurrency: string;
}

/** Reads the table and its header only: what the preview needs before a mapping is chosen. */
export function readBankCsvLayout(content: string) {
	const table = readCsvTable(content);
	if (!table || table.records.length === 0) return null;
	const { index, hasHeader } = findHeader(table.records);
	const width = Math.max(...table.records.slice(index).map((r) => r.cells.length));
	const headerCells = hasHeader ? table.records[index].cells : [];
	const headers = Array.from({ length: width }, (_, i) => cleanText(headerCells[i] ?? '', 100));
	const dataRecords = table.records.slice(hasHeader ? index + 1 : index);
	const headerSignature = hasHeader
		? sha256Hex(headers.map(normaliseHeader).join('\u001f'))
		: sha256Hex(`no header:${width}`);
	return {
		delimiter: table.delimiter,
		headers,
		sample: (dataRecords[0]?.cells ?? []).map((cell) => cleanText(cell, 100)),
		headerSignature,
		dataRecords
	};
}

const cell = (record: CsvRecord, index: number | undefined) =>
	index === undefined ? '' : (record.cells[index] ?? '');

export function parseBankCsv(content: string, options: BankCsvOptions): BankCsvResult {
	const skipped: SkippedCounts = {};
	const layout = readBankCsvLayout(content);
	if (!layout) {
		return {
			rows: [],
			malformed: [],
			skipped,
			fileError: { reason: content.trim() ? 'no_columns' : 'empty' },
			delimiter: null,
			headers: [],
			sample: [],
			headerSignature: '',
			mapping: {}
		};
	}
	const { dataRecords, ...shape } = layout;
	const mapping = options.mapping ?? guessCsvMapping(layout.headers);
	const result: BankCsvResult = {
		rows: [],
		malformed: [],
		skipped,
		fileError: null,
		...shape,
		mapping
	};
	if (!isCompleteMapping(mapping, layout.headers.length)) {
		result.fileError = { reason: 'mapping_incomplete' };
		return result;
	}

	// Rows that look the same (same day, amount and text) are told apart by their order in the
	// file, so the derived reference is the same every time the same export is read.
	const occurrences = new Map<string, number>();
	for (const record of dataRecords) {
		const malformed = (reason: MalformedRow['reason']) =>
			result.malformed.push({ line: record.line, reason });
		const dateText = cell(record, mapping.date).trim();
		const amountText = cell(record, mapping.amount).trim();
		// An outgoing payment leaves the incoming column empty (DNB) or is negative.
		if (amountText === '') {
			countSkip(skipped, 'outgoing');
			continue;
		}
		const currency = readCurrency(cell(record, mapping.currency), options.defaultCurrency);
		if (!currency) {
			malformed('unknown_currency');
			continue;
		}
		const amountMinor = parseExportAmount(amountText, currency);
		if (amountMinor === null) {
			malformed('bad_amount');
			continue;
		}
		if (amountMinor <= 0) {
			countSkip(skipped, 'outgoing');
			continue;
		}
		if (dateText === '') {
			malformed('missing_date');
			continue;
		}
		const bookedOn = parseBookingDate(dateText);
		if (!bookedOn) {
			malformed('bad_date');
			continue;
		}
		const email = readEmail(cell(record, mapping.email));
		if (!email.ok) {
			malformed('bad_email');
			continue;
		}
		const message = cleanText(cell(record, mapping.message));
		// DNB has no name or KID column: both are in the text ("Giro 1004217 Laila Ahmadi").
		const fromText = readBankText(message);
		const nameCell = cleanText(cell(record, mapping.name), 200);
		const payerName = mapping.name === undefined ? fromText.payerName : nameCell;
		const kid = mapping.kid === undefined ? fromText.kid : readKid(cell(record, mapping.kid));
		let transactionReference: string;
		if (mapping.reference !== undefined) {
			transactionReference = cleanText(cell(record, mapping.reference), 200);
			if (!transactionReference) {
				malformed('missing_reference');
				continue;
			}
		} else {
			// The name cell as written, not the name read from the text: references stay what
			// earlier imports of the same export recorded.
			const key = [bookedOn, amountMinor, currency, message.toLowerCase(), nameCell.toLowerCase()]
				.join('|')
				.replace(/\s+/g, ' ');
			const occurrence = (occurrences.get(key) ?? 0) + 1;
			occurrences.set(key, occurrence);
			transactionReference = `csv:${sha256Hex(`${key}|${occurrence}`).slice(0, 32)}`;
		}
		result.rows.push({
			line: record.line,
			bookedOn,
			amountMinor,
			currency,
			transactionReference,
			payerName,
			email: email.email,
			phone: cleanText(cell(record, mapping.phone), 40) || null,
			message,
			kid,
			feeMinor: null,
			netMinor: null,
			account: null
		} satisfies ImportRow);
	}
	return result;
}
