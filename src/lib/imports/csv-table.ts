// Reading a bank or Vipps CSV export into cells with their line numbers, whatever separator the
// export chose. csv-parse does the quoting; this module only picks the separator.
import { parse } from 'csv-parse/sync';

export const csvDelimiters = [';', ',', '\t'] as const;
export type CsvDelimiter = (typeof csvDelimiters)[number];

export interface CsvRecord {
	/** The line the record starts on (1-based); a quoted cell may run over several lines. */
	line: number;
	cells: string[];
}

export interface CsvTable {
	delimiter: CsvDelimiter;
	/** Records with at least one non-empty cell. */
	records: CsvRecord[];
}

function readRecords(content: string, delimiter: CsvDelimiter, toLine?: number): CsvRecord[] {
	const parsed = parse(content, {
		...(toLine ? { to_line: toLine } : {}),
		delimiter,
		bom: true,
		info: true,
		relax_column_count: true,
		relax_quotes: true,
		skip_empty_lines: false
	}) as unknown as { record: string[]; info: { lines: number } }[];
	const records: CsvRecord[] = [];
	let previousEnd = 0;
	for (const { record, info } of parsed) {
		// `info.lines` is where the record ends; it starts on the line after the previous one.
		const line = previousEnd + 1;
		previousEnd = info.lines;
		if (record.some((cell) => cell.trim() !== '')) records.push({ line, cells: record });
	}
	return records;
}

/**
 * How well a separator splits the first rows: the most common number of cells (above one) and
 * how many rows have it. A wrong separator gives ragged rows — a decimal comma splits amounts,
 * free text splits on its commas — so the separator whose rows agree best wins.
 */
function score(records: CsvRecord[]): [number, number] {
	const counts = new Map<number, number>();
	for (const { cells } of records.slice(0, 30)) {
		counts.set(cells.length, (counts.get(cells.length) ?? 0) + 1);
	}
	let best: [number, number] = [0, 0];
	for (const [width, rows] of counts) {
		if (width < 2) continue;
		if (rows > best[0] || (rows === best[0] && width > best[1])) best = [rows, width];
	}
	return best;
}

/** Lines read to choose the separator: the whole file is then read with that one only. */
const SAMPLE_LINES = 60;

// The preview and the commit each ask for the same file's table several times (the format, the
// layout, the rows); a 10,000-row export took a second a reading.
let lastTable: { content: string; table: CsvTable | null } | null = null;

/** The file as a table; null when no separator splits it into columns. */
export function readCsvTable(content: string): CsvTable | null {
	if (lastTable?.content === content) return lastTable.table;
	let best: { delimiter: CsvDelimiter; score: [number, number] } | null = null;
	for (const delimiter of csvDelimiters) {
		let records: CsvRecord[];
		try {
			records = readRecords(content, delimiter, SAMPLE_LINES);
		} catch {
			continue;
		}
		const candidate = score(records);
		if (
			candidate[0] > 0 &&
			(!best ||
				candidate[0] > best.score[0] ||
				(candidate[0] === best.score[0] && candidate[1] > best.score[1]))
		) {
			best = { delimiter, score: candidate };
		}
	}
	let table: CsvTable | null = null;
	if (best) {
		try {
			table = { delimiter: best.delimiter, records: readRecords(content, best.delimiter) };
		} catch {
			table = null;
		}
	}
	lastTable = { content, table };
	return table;
}

/** A header cell reduced to what identifies it: "Inn på konto (NOK)" → "inn på konto (nok)". */
export function normaliseHeader(cell: string): string {
	return cell
		.replace(/^\uFEFF/, '')
		.trim()
		.toLowerCase()
		.replace(/\s+/g, ' ');
}
