import type { Kysely, Transaction } from 'kysely';
import { readBankCsvLayout, type CsvMapping } from '../../imports/bank-csv.ts';
import { sha256Hex, type ImportFormat, type ImportRow } from '../../imports/import-row.ts';
import {
	indexCandidates,
	matchImportRow,
	sameNameCandidates,
	similarCandidates,
	type MatchCandidate,
	type SupporterMatch
} from '../../imports/matching.ts';
import { parseImportFile, type ParsedImportFile } from '../../imports/parse-import.ts';
import { bankTransactionKeys } from '../../imports/transaction-key.ts';
import { detectImportFormat } from '../../imports/detect-format.ts';
import type { Channel } from '../../giving/vocabulary.ts';
import type { Database } from '../db/schema.ts';
import { findOrganisation } from '../organisation/settings.ts';
import {
	findImportsOfFile,
	findRememberedMapping,
	findSkippedRows,
	type SkippedRow
} from './batches.ts';
import { findLastGifts, loadMatchCandidates } from './candidates.ts';
import { encodeImportFile } from './import-file.ts';

type Db = Kysely<Database> | Transaction<Database>;

/** Per row, what staff decide: an existing supporter's id, a new supporter, or not a gift at all. */
export type ImportChoice = string;
export const NEW_SUPPORTER = 'new';
export const SKIP_ROW = 'skip';
/** No choice yet: the row matches several supporters and waits for staff. */
export const WAITING = '';

export function importChannel(format: ImportFormat): Channel {
	return format === 'vipps_csv' ? 'vipps' : 'bank_transfer';
}

export interface SupporterOption {
	id: string;
	name: string;
	email: string | null;
	reference: string | null;
	kid: string;
	/** Their latest gift, to tell two people of one name apart. */
	lastGift: { amountMinor: number; currency: string; receivedAt: Date } | null;
}

/** A row with its identity across formats: bank rows only (src/lib/imports/transaction-key.ts). */
export interface KeyedImportRow extends ImportRow {
	bankTransactionKey: string | null;
}

/** A gift recorded already, and where it came from. */
export interface RecordedGift {
	supporterId: string;
	/** The import that brought it, or null when it was typed in by hand. */
	importedAt: Date | null;
	fileName: string | null;
	/** Found by the key across formats only: another file's reference for the same transfer. */
	isOtherFormat: boolean;
}

export interface PreviewRow extends KeyedImportRow {
	match: SupporterMatch;
	/** The supporters offered in the row's choice: the suggestion and others with a close name. */
	options: SupporterOption[];
	/** Already recorded (same channel and reference, or the same bank transfer from another file), or repeated earlier in the file. */
	isDuplicate: boolean;
	recorded: RecordedGift | null;
	/**
	 * A gift staff typed in by hand for the same supporter, amount and day, which this row may be
	 * (the transfer recorded before its statement came): the row waits for staff to say.
	 */
	handRecordedTwin: { id: string; receivedAt: Date } | null;
	/** Left out of an earlier import by staff: suggested to be left out again. */
	skippedBefore: SkippedRow | null;
	/** A payout from Vipps or Stripe seen on the bank statement: those gifts come in their own reports. */
	isLikelyPayout: boolean;
	/** Several supporters fit and none is certain: staff must choose (defaultChoice is WAITING). */
	isWaiting: boolean;
	/** How many supporters have the payer's name. */
	sameNameCount: number;
	defaultChoice: ImportChoice;
}

export interface ImportPreview {
	/** The format the file is in, read from the file. */
	format: ImportFormat;
	/** The format staff chose, when the file turned out to be another. */
	chosenFormat: ImportFormat;
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

/**
 * The preview as the page shows it: every row that waits for a choice or looks like a payout, then
 * the others in file order up to PREVIEW_ROWS_SHOWN; a row not shown takes its suggestion when
 * staff import (commitImport does the same for any row without a choice). The counts are of the
 * whole file, so the button still counts exactly what will be saved.
 */
export interface ShownImportPreview extends ImportPreview {
	/**
	 * The suggestions for the rows left out (HiddenSuggestions, compressed like the file): the
	 * commit saves what the preview suggested instead of working it all out again.
	 */
	hiddenSuggestions: string;
	rowCount: number;
	duplicateCount: number;
	/** Rows of the file the page leaves out, and how many of them will become gifts. */
	hiddenRowCount: number;
	hiddenGiftCount: number;
}

/** What the preview suggested for the rows the page leaves out, and for which file and columns. */
export interface HiddenSuggestions {
	fileSha256: string;
	mapping: CsvMapping | null;
	choices: Record<number, ImportChoice>;
}

/** Enough to check a file by eye; a 10,000-row statement would otherwise be a 4 MB page. */
export const PREVIEW_ROWS_SHOWN = 200;

const needsEye = (row: PreviewRow) => !row.isDuplicate && (row.isWaiting || row.isLikelyPayout);

export function shownPreview(
	preview: ImportPreview,
	limit = PREVIEW_ROWS_SHOWN
): ShownImportPreview {
	const shownLines = new Set(preview.rows.filter(needsEye).map((row) => row.line));
	for (const row of preview.rows) {
		if (shownLines.size >= limit) break;
		shownLines.add(row.line);
	}
	const shown = preview.rows.filter((row) => shownLines.has(row.line));
	const hidden = preview.rows.filter((row) => !shownLines.has(row.line));
	const hiddenSuggestions: HiddenSuggestions = {
		fileSha256: preview.fileSha256,
		mapping: preview.csv?.mapping ?? null,
		choices: Object.fromEntries(hidden.map((row) => [row.line, row.defaultChoice]))
	};
	return {
		...preview,
		rows: shown,
		hiddenSuggestions: encodeImportFile(JSON.stringify(hiddenSuggestions)),
		rowCount: preview.rows.length,
		duplicateCount: preview.rows.filter((row) => row.isDuplicate).length,
		hiddenRowCount: hidden.length,
		hiddenGiftCount: hidden.filter(
			(row) => !row.isDuplicate && row.defaultChoice !== SKIP_ROW && row.defaultChoice !== WAITING
		).length
	};
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
	// The file says what it is; the format staff chose only decides what the file leaves open.
	const format = detectImportFormat(input.content, input.format);
	let mapping = format === 'bank_csv' ? input.mapping : undefined;
	let isRemembered = false;
	if (format === 'bank_csv' && !mapping) {
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
	const parsed = parseImportFile(format, input.content, {
		mapping,
		defaultCurrency: organisation.default_currency
	});
	return {
		format,
		parsed,
		rows: keyImportRows(format, parsed.rows, organisation.bank_account_number),
		isRemembered
	};
}

/** Bank rows get their key across formats; a CSV export is taken to be of the organisation's account. */
export function keyImportRows(
	format: ImportFormat,
	rows: ImportRow[],
	organisationAccount: string
): KeyedImportRow[] {
	if (importChannel(format) !== 'bank_transfer') {
		return rows.map((row) => ({ ...row, bankTransactionKey: null }));
	}
	const keys = bankTransactionKeys(rows, organisationAccount);
	return rows.map((row, i) => ({ ...row, bankTransactionKey: keys[i] }));
}

/**
 * The rows' gifts that are recorded already, by this channel's reference or — for bank transfers
 * — by the same transfer's key from another format, looked up in chunks.
 */
export async function findRecordedGifts(
	db: Db,
	channel: Channel,
	rows: KeyedImportRow[]
): Promise<(row: KeyedImportRow) => RecordedGift | undefined> {
	const byReference = new Map<string, RecordedGift>();
	const byKey = new Map<string, RecordedGift>();
	const references = [...new Set(rows.map((row) => row.transactionReference))];
	const keys = [...new Set(rows.flatMap((row) => row.bankTransactionKey ?? []))];
	const recordedGifts = () =>
		db
			.selectFrom('contribution as c')
			.leftJoin('import_batch as b', 'b.id', 'c.import_batch_id')
			.select([
				'c.external_reference',
				'c.bank_transaction_key',
				'c.supporter_id',
				'b.created_at',
				'b.file_name'
			]);
	const remember = (
		map: Map<string, RecordedGift>,
		key: string | null,
		row: { supporter_id: string; created_at: Date | null; file_name: string | null },
		isOtherFormat: boolean
	) => {
		if (key && !map.has(key))
			map.set(key, {
				supporterId: row.supporter_id,
				importedAt: row.created_at,
				fileName: row.file_name,
				isOtherFormat
			});
	};
	for (let start = 0; start < references.length; start += 500) {
		const found = await recordedGifts()
			.where('c.channel', '=', channel)
			.where('c.external_reference', 'in', references.slice(start, start + 500))
			.execute();
		for (const row of found) remember(byReference, row.external_reference, row, false);
	}
	for (let start = 0; start < keys.length; start += 500) {
		const found = await recordedGifts()
			.where('c.bank_transaction_key', 'in', keys.slice(start, start + 500))
			.execute();
		for (const row of found) remember(byKey, row.bank_transaction_key, row, true);
	}
	return (row) =>
		byReference.get(row.transactionReference) ??
		(row.bankTransactionKey ? byKey.get(row.bankTransactionKey) : undefined);
}

interface TwinKey {
	supporterId: string;
	amountMinor: number;
	currency: string;
	day: string;
}

const twinKey = (key: TwinKey) =>
	`${key.supporterId}|${key.amountMinor}|${key.currency}|${key.day}`;

/**
 * Gifts typed in by hand (not imported, not voided, with no bank transaction of their own) of the
 * same supporter, amount, currency and day as a row: likely the same transfer, recorded before its
 * statement came. Read in chunks of supporters.
 */
export async function findHandRecordedTwins(
	db: Db,
	channel: Channel,
	keys: TwinKey[]
): Promise<Map<string, { id: string; receivedAt: Date }>> {
	const twins = new Map<string, { id: string; receivedAt: Date }>();
	if (keys.length === 0) return twins;
	const days = keys.map((key) => key.day).sort();
	const supporterIds = [...new Set(keys.map((key) => key.supporterId))];
	for (let start = 0; start < supporterIds.length; start += 500) {
		const gifts = await db
			.selectFrom('contribution')
			.select(['id', 'supporter_id', 'amount_minor', 'currency', 'received_at'])
			.where('channel', '=', channel)
			.where('recorded_by', 'is not', null)
			.where('import_batch_id', 'is', null)
			.where('bank_transaction_key', 'is', null)
			.where('status', '!=', 'voided')
			.where('supporter_id', 'in', supporterIds.slice(start, start + 500))
			.where('received_at', '>=', new Date(`${days[0]}T00:00:00Z`))
			.where('received_at', '<=', new Date(`${days[days.length - 1]}T23:59:59Z`))
			.execute();
		for (const gift of gifts) {
			const key = twinKey({
				supporterId: gift.supporter_id,
				amountMinor: gift.amount_minor,
				currency: gift.currency,
				// Hand-recorded gifts are kept at midday UTC of their day.
				day: gift.received_at.toISOString().slice(0, 10)
			});
			if (!twins.has(key)) twins.set(key, { id: gift.id, receivedAt: gift.received_at });
		}
	}
	return twins;
}

const payoutText = /\b(vipps|mobilepay|stripe)\b/i;

const toOption = (
	candidate: MatchCandidate,
	lastGifts: Map<string, SupporterOption['lastGift']>
): SupporterOption => ({
	id: candidate.id,
	name: candidate.name,
	email: candidate.email,
	reference: candidate.reference,
	kid: candidate.kid,
	lastGift: lastGifts.get(candidate.id) ?? null
});

/** Each row's suggested supporter, the alternatives, and whether it is recorded already. */
export async function suggestForRows(
	db: Db,
	format: ImportFormat,
	rows: KeyedImportRow[]
): Promise<PreviewRow[]> {
	if (rows.length === 0) return [];
	const channel = importChannel(format);
	const [{ candidates, likenessNames }, recordedOf, skippedOf] = await Promise.all([
		loadMatchCandidates(db, rows),
		findRecordedGifts(db, channel, rows),
		findSkippedRows(db, channel, rows)
	]);
	const index = indexCandidates(candidates, likenessNames);
	const byId = new Map(candidates.map((candidate) => [candidate.id, candidate]));
	const lastGifts = await findLastGifts(
		db,
		candidates.map((candidate) => candidate.id)
	);
	const matches = rows.map((row) => matchImportRow(row, index));
	const twinKeyOf = (row: KeyedImportRow, supporterId: string | null) =>
		supporterId
			? { supporterId, amountMinor: row.amountMinor, currency: row.currency, day: row.bookedOn }
			: null;
	const twins = await findHandRecordedTwins(
		db,
		channel,
		rows.flatMap((row, i) => twinKeyOf(row, matches[i].supporterId) ?? [])
	);
	const seen = new Set<string>();
	return rows.map((row, i) => {
		const match = matches[i];
		const suggested = match.supporterId ? byId.get(match.supporterId) : undefined;
		const sameName = match.isCertain ? [] : sameNameCandidates(row, index);
		const isWaiting = match.supporterId === null && sameName.length > 1;
		const options = [
			...(suggested ? [suggested] : []),
			...sameName,
			...similarCandidates(row, index)
		]
			.filter((candidate, i, all) => all.findIndex((c) => c.id === candidate.id) === i)
			.map((candidate) => toOption(candidate, lastGifts));
		const recorded = recordedOf(row) ?? null;
		const skippedBefore = (recorded === null && skippedOf(row)) || null;
		const isDuplicate =
			recorded !== null ||
			seen.has(row.transactionReference) ||
			(row.bankTransactionKey !== null && seen.has(row.bankTransactionKey));
		seen.add(row.transactionReference);
		if (row.bankTransactionKey) seen.add(row.bankTransactionKey);
		const isLikelyPayout =
			channel === 'bank_transfer' &&
			match.reason === 'none' &&
			payoutText.test(`${row.payerName} ${row.message}`);
		// A gift typed in by hand for this transfer must be neither doubled nor dropped unasked.
		const ownTwinKey = isDuplicate ? null : twinKeyOf(row, match.supporterId);
		const handRecordedTwin = (ownTwinKey && twins.get(twinKey(ownTwinKey))) ?? null;
		return {
			...row,
			match,
			options,
			isDuplicate,
			recorded,
			isLikelyPayout,
			handRecordedTwin,
			skippedBefore,
			isWaiting: !skippedBefore && (handRecordedTwin !== null || (isWaiting && !isLikelyPayout)),
			sameNameCount: sameName.length,
			defaultChoice: skippedBefore
				? SKIP_ROW
				: handRecordedTwin
					? WAITING
					: isLikelyPayout
						? SKIP_ROW
						: isWaiting
							? WAITING
							: (match.supporterId ?? NEW_SUPPORTER)
		};
	});
}

/**
 * Reads an uploaded file and shows what an import would do, writing nothing: the gifts with their
 * suggested supporters, the duplicates, the malformed rows with their lines, the rows skipped.
 */
export async function previewImport(db: Db, input: ImportFileInput): Promise<ImportPreview> {
	const { format, parsed, rows: keyedRows, isRemembered } = await readImportFile(db, input);
	const fileSha256 = sha256Hex(input.content);
	const [rows, previousImports] = await Promise.all([
		suggestForRows(db, format, keyedRows),
		findImportsOfFile(db, fileSha256)
	]);
	return {
		format,
		chosenFormat: input.format,
		fileName: input.fileName,
		fileSha256,
		channel: importChannel(format),
		rows,
		malformed: parsed.malformed,
		skipped: parsed.skipped,
		fileError: parsed.fileError,
		csv: parsed.csv ? { ...parsed.csv, isRemembered } : null,
		previousImports
	};
}
