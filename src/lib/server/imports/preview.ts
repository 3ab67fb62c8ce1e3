import type { Kysely, Transaction } from 'kysely';
import { readBankCsvLayout, type CsvMapping } from '../../imports/bank-csv.ts';
import { sha256Hex, type ImportFormat, type ImportRow } from '../../imports/import-row.ts';
import {
	indexCandidates,
	matchImportRow,
	similarCandidates,
	type MatchCandidate,
	type SupporterMatch
} from '../../imports/matching.ts';
import { parseImportFile, type ParsedImportFile } from '../../imports/parse-import.ts';
import type { Channel } from '../../giving/vocabulary.ts';
import type { Database } from '../db/schema.ts';
import { findOrganisation } from '../organisation/settings.ts';
import { findImportsOfFile, findRememberedMapping } from './batches.ts';
import { loadMatchCandidates } from './candidates.ts';

type Db = Kysely<Database> | Transaction<Database>;

/** Per row, what staff decide: an existing supporter's id, a new supporter, or not a gift at all. */
export type ImportChoice = string;
export const NEW_SUPPORTER = 'new';
export const SKIP_ROW = 'skip';

export function importChannel(format: ImportFormat): Channel {
	return format === 'vipps_csv' ? 'vipps' : 'bank_transfer';
}

export interface SupporterOption {
	id: string;
	name: string;
	email: string | null;
	reference: string | null;
}

export interface PreviewRow extends ImportRow {
	match: SupporterMatch;
	/** The supporters offered in the row's choice: the suggestion and others with a close name. */
	options: SupporterOption[];
	/** Already recorded (same channel and reference), or repeated earlier in the file. */
	isDuplicate: boolean;
	/** A payout from Vipps or Stripe seen on the bank statement: those gifts come in their own reports. */
	isLikelyPayout: boolean;
	defaultChoice: ImportChoice;
}

export interface ImportPreview {
	format: ImportFormat;
	fileName: string;
	fileSha256: string;
	channel: Channel;
	rows: PreviewRow[];
	malformed: ParsedImportFile['malformed'];
	skipped: ParsedImportFile['skipped'];
	fileError: ParsedImportFile['fileError'];
	csv: (NonNullable<ParsedImportFile['csv']> & { isRemembered: boolean }) | null;
	previousImports: { id: string; createdAt: Date }[];
}

export interface ImportFileInput {
	format: ImportFormat;
	fileName: string;
	content: string;
	/** Bank CSV only: the columns staff chose; else the remembered or guessed mapping. */
	mapping?: CsvMapping;
}

/** Reads the file as the preview and the commit both do, with the mapping resolved the same way. */
export async function readImportFile(db: Db, input: ImportFileInput) {
	const organisation = await findOrganisation(db);
	let mapping = input.mapping;
	let isRemembered = false;
	if (input.format === 'bank_csv' && !mapping) {
		const layout = readBankCsvLayout(input.content);
		if (layout) {
			const remembered = await findRememberedMapping(
				db,
				layout.headerSignature,
				layout.headers.length
			);
			if (remembered) {
				mapping = remembered;
				isRemembered = true;
			}
		}
	}
	const parsed = parseImportFile(input.format, input.content, {
		mapping,
		defaultCurrency: organisation.default_currency
	});
	return { parsed, isRemembered };
}

/** References of this channel that are recorded already, looked up in chunks. */
export async function findRecordedReferences(
	db: Db,
	channel: Channel,
	references: string[]
): Promise<Map<string, string>> {
	const recorded = new Map<string, string>();
	const unique = [...new Set(references)];
	for (let start = 0; start < unique.length; start += 500) {
		const rows = await db
			.selectFrom('contribution')
			.select(['external_reference', 'supporter_id'])
			.where('channel', '=', channel)
			.where('external_reference', 'in', unique.slice(start, start + 500))
			.execute();
		for (const row of rows) {
			if (row.external_reference) recorded.set(row.external_reference, row.supporter_id);
		}
	}
	return recorded;
}

const payoutText = /\b(vipps|mobilepay|stripe)\b/i;

const toOption = (candidate: MatchCandidate): SupporterOption => ({
	id: candidate.id,
	name: candidate.name,
	email: candidate.email,
	reference: candidate.reference
});

/** Each row's suggested supporter, the alternatives, and whether it is recorded already. */
export async function suggestForRows(
	db: Db,
	format: ImportFormat,
	rows: ImportRow[]
): Promise<PreviewRow[]> {
	if (rows.length === 0) return [];
	const channel = importChannel(format);
	const [candidates, recorded] = await Promise.all([
		loadMatchCandidates(db, rows),
		findRecordedReferences(
			db,
			channel,
			rows.map((row) => row.transactionReference)
		)
	]);
	const index = indexCandidates(candidates);
	const byId = new Map(candidates.map((candidate) => [candidate.id, candidate]));
	const seen = new Set<string>();
	return rows.map((row) => {
		const match = matchImportRow(row, index);
		const suggested = match.supporterId ? byId.get(match.supporterId) : undefined;
		const options = [...(suggested ? [suggested] : []), ...similarCandidates(row, index)]
			.filter((candidate, i, all) => all.findIndex((c) => c.id === candidate.id) === i)
			.map(toOption);
		const isDuplicate =
			recorded.has(row.transactionReference) || seen.has(row.transactionReference);
		seen.add(row.transactionReference);
		const isLikelyPayout =
			channel === 'bank_transfer' &&
			match.reason === 'none' &&
			payoutText.test(`${row.payerName} ${row.message}`);
		return {
			...row,
			match,
			options,
			isDuplicate,
			isLikelyPayout,
			defaultChoice: isLikelyPayout ? SKIP_ROW : (match.supporterId ?? NEW_SUPPORTER)
		};
	});
}

/**
 * Reads an uploaded file and shows what an import would do, writing nothing: the gifts with their
 * suggested supporters, the duplicates, the malformed rows with their lines, the rows skipped.
 */
export async function previewImport(db: Db, input: ImportFileInput): Promise<ImportPreview> {
	const { parsed, isRemembered } = await readImportFile(db, input);
	const fileSha256 = sha256Hex(input.content);
	const [rows, previousImports] = await Promise.all([
		suggestForRows(db, input.format, parsed.rows),
		findImportsOfFile(db, fileSha256)
	]);
	return {
		format: input.format,
		fileName: input.fileName,
		fileSha256,
		channel: importChannel(input.format),
		rows,
		malformed: parsed.malformed,
		skipped: parsed.skipped,
		fileError: parsed.fileError,
		csv: parsed.csv ? { ...parsed.csv, isRemembered } : null,
		previousImports
	};
}
