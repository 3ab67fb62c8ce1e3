import { randomUUID } from 'node:crypto';
import type { Kysely, Transaction } from 'kysely';
import { sha256Hex, type ImportRow, type MalformedRow } from '../../imports/import-row.ts';
import { foldName, normalisePhone } from '../../imports/matching.ts';
import type { ParsedImportFile } from '../../imports/parse-import.ts';
import { recordAudit } from '../organisation/audit.ts';
import { recordGift, recordNewGifts, type ImportedGift } from '../giving/contributions.ts';
import type { Database, Supporter } from '../db/schema.ts';
import {
	createImportedSupporters,
	findOrCreateSupporterByEmail,
	findSupporterByEmail
} from '../supporters/supporters.ts';
import { naturalCaseName } from '../../supporters/names.ts';
import { rememberMapping, rememberSkippedRows } from './batches.ts';
import {
	NEW_SUPPORTER,
	SKIP_ROW,
	WAITING,
	findRecordedGifts,
	importChannel,
	readImportFile,
	suggestForRows,
	type HiddenSuggestions,
	type ImportChoice,
	type KeyedImportRow,
	type ImportFileInput
} from './preview.ts';

export interface CommitImportInput extends ImportFileInput {
	staffUserId: string | null;
	requestId?: string | null;
	/** Per line: a supporter's id, 'new' or 'skip'. A line without a choice takes the suggestion. */
	choices: Record<number, ImportChoice>;
	/**
	 * The preview's suggestions for the rows its page left out: taken as they are when they were
	 * made for this file and these columns, else worked out again.
	 */
	hiddenSuggestions?: HiddenSuggestions;
	/** Staff ticked "send receipts": each new gift whose supporter has an email gets one. */
	sendReceipts?: boolean;
}

export interface ImportOutcome {
	batchId: string;
	rowCount: number;
	createdCount: number;
	duplicateCount: number;
	newSupporterCount: number;
	/** Rows staff chose not to record (payouts from Vipps or Stripe on the bank statement). */
	skippedCount: number;
}

export type CommitImportResult =
	| ({ ok: true } & ImportOutcome)
	| { ok: false; reason: 'file_error'; fileError: NonNullable<ParsedImportFile['fileError']> }
	| { ok: false; reason: 'malformed_rows'; malformed: MalformedRow[] }
	| { ok: false; reason: 'no_rows' }
	| { ok: false; reason: 'unknown_supporters'; lines: number[] }
	/** Rows that match several supporters and were given no choice. */
	| { ok: false; reason: 'choices_missing'; lines: number[] };

const uuidShape = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

class RefusedImport extends Error {
	readonly lines: number[];
	constructor(lines: number[]) {
		super('unknown supporters');
		this.lines = lines;
	}
}

/**
 * Payers new to us who appear more than once in a file become one supporter: rows are grouped by
 * email, else phone, else name. A row with none of these gets a supporter of its own.
 */
function newSupporterKey(row: ImportRow): string {
	if (row.email) return `email:${row.email.trim().toLowerCase()}`;
	const phone = normalisePhone(row.phone);
	if (phone) return `phone:${phone}`;
	const name = foldName(row.payerName);
	return name ? `name:${name}` : `line:${row.line}`;
}

/** A payer with an email address may be known by it: an email belongs to one supporter only. */
async function findOrCreatePayerByEmail(
	trx: Transaction<Database>,
	row: ImportRow & { email: string }
): Promise<{ supporter: Supporter; isNew: boolean }> {
	const known = await findSupporterByEmail(trx, row.email);
	if (known) return { supporter: known, isNew: false };
	const supporter = await findOrCreateSupporterByEmail(trx, {
		name: naturalCaseName(row.payerName),
		phone: row.phone,
		email: row.email
	});
	return { supporter, isNew: true };
}

interface NewPayer {
	supporter: Pick<Supporter, 'id' | 'email'>;
	isNew: boolean;
}

/**
 * A supporter for each new payer (by newSupporterKey). Those with an email address may be known
 * by it and are looked up one by one; the others are inserted together.
 */
async function createNewSupporters(
	trx: Transaction<Database>,
	rows: ImportRow[]
): Promise<Map<string, NewPayer>> {
	const payers = new Map<string, NewPayer>();
	const withoutEmail: { id: string; name: string; phone: string | null }[] = [];
	for (const row of rows) {
		const key = newSupporterKey(row);
		if (payers.has(key)) continue;
		if (row.email) {
			payers.set(key, await findOrCreatePayerByEmail(trx, { ...row, email: row.email }));
			continue;
		}
		const id = randomUUID();
		withoutEmail.push({ id, name: naturalCaseName(row.payerName), phone: row.phone });
		payers.set(key, { supporter: { id, email: null }, isNew: true });
	}
	await createImportedSupporters(trx, withoutEmail);
	return payers;
}

/**
 * Imports a file in one transaction: reads it again (a browser's rows are never trusted), refuses
 * it whole while any row is malformed, records each gift through recordGift — so a gift
 * already recorded, by an earlier import or by hand, is counted as a duplicate and not added — and
 * leaves one import_batch row and one audit entry behind.
 */
export async function commitImport(
	db: Kysely<Database>,
	input: CommitImportInput
): Promise<CommitImportResult> {
	const { format, parsed, rows } = await readImportFile(db, input);
	if (parsed.fileError) return { ok: false, reason: 'file_error', fileError: parsed.fileError };
	if (parsed.malformed.length > 0)
		return { ok: false, reason: 'malformed_rows', malformed: parsed.malformed };
	if (parsed.rows.length === 0) return { ok: false, reason: 'no_rows' };

	const fileSha256 = sha256Hex(input.content);
	const carried = input.hiddenSuggestions;
	const isCarriedForThisFile =
		carried?.fileSha256 === fileSha256 &&
		JSON.stringify(carried.mapping) === JSON.stringify(parsed.csv?.mapping ?? null);
	// What staff chose wins over what the preview suggested for the rows it did not show.
	const choices: Record<number, ImportChoice> = {
		...(isCarriedForThisFile ? carried.choices : {}),
		...input.choices
	};
	const badChoices = parsed.rows
		.filter((row) => {
			const choice = choices[row.line];
			return (
				choice !== undefined &&
				choice !== WAITING &&
				choice !== NEW_SUPPORTER &&
				choice !== SKIP_ROW &&
				!uuidShape.test(choice)
			);
		})
		.map((row) => row.line);
	if (badChoices.length > 0) return { ok: false, reason: 'unknown_supporters', lines: badChoices };

	const channel = importChannel(format);
	// Rows with neither a choice nor a carried suggestion (a script, or a row recorded already)
	// take the suggestion worked out now.
	const recordedBefore = await findRecordedGifts(db, channel, rows);
	const unchosen = rows.filter((row) => choices[row.line] === undefined && !recordedBefore(row));
	const suggestions = new Map<number, ImportChoice>(
		(unchosen.length > 0 ? await suggestForRows(db, format, unchosen) : []).map((row) => [
			row.line,
			row.defaultChoice
		])
	);
	const choiceFor = (row: ImportRow) =>
		choices[row.line] ?? suggestions.get(row.line) ?? NEW_SUPPORTER;
	const waiting = rows.filter((row) => choiceFor(row) === WAITING && !recordedBefore(row));
	if (waiting.length > 0) {
		return { ok: false, reason: 'choices_missing', lines: waiting.map((row) => row.line) };
	}

	try {
		const outcome = await db.transaction().execute(async (trx) => {
			const batch = await trx
				.insertInto('import_batch')
				.values({
					format,
					file_name: input.fileName.slice(0, 255),
					file_sha256: fileSha256,
					row_count: parsed.rows.length,
					created_count: 0,
					duplicate_count: 0,
					staff_user_id: input.staffUserId
				})
				.returning('id')
				.executeTakeFirstOrThrow();

			const chosenIds = [
				...new Set(
					parsed.rows
						.map(choiceFor)
						.filter((choice) => choice !== NEW_SUPPORTER && choice !== SKIP_ROW)
				)
			];
			// The chosen supporters that exist, with their email addresses (for receipts).
			const existing = new Map(
				chosenIds.length === 0
					? []
					: (
							await trx
								.selectFrom('supporter')
								.select(['id', 'email'])
								.where('id', 'in', chosenIds)
								.where('merged_into', 'is', null)
								.where('erased_at', 'is', null)
								.execute()
						).map((s) => [s.id, s.email])
			);
			const unknown = parsed.rows.filter((row) => {
				const choice = choiceFor(row);
				return choice !== NEW_SUPPORTER && choice !== SKIP_ROW && !existing.has(choice);
			});
			if (unknown.length > 0) throw new RefusedImport(unknown.map((row) => row.line));

			const recordedOf = await findRecordedGifts(trx, channel, rows);
			const emails = new Map(existing);
			const supportersWithGifts = new Set<string>();
			let createdCount = 0;
			let duplicateCount = 0;
			let skippedCount = 0;

			// Payers new to us are created before their gifts, most of them in one statement per
			// thousand; then the gifts not recorded before go in together the same way.
			const newSupporters = await createNewSupporters(
				trx,
				rows.filter((row) => !recordedOf(row) && choiceFor(row) === NEW_SUPPORTER)
			);
			for (const { supporter } of newSupporters.values()) emails.set(supporter.id, supporter.email);
			const fresh: ImportedGift[] = [];
			const skipped: KeyedImportRow[] = [];
			for (const row of rows) {
				const choice = choiceFor(row);
				const recorded = recordedOf(row);
				// The same transfer from another file (camt.053 after CSV, or the other way round) is
				// the gift recorded then: nothing to add.
				if (recorded?.isOtherFormat) {
					duplicateCount++;
					continue;
				}
				if (choice === SKIP_ROW) {
					skippedCount++;
					if (!recorded) skipped.push(row);
					continue;
				}
				const supporterId =
					recorded?.supporterId ??
					(choice === NEW_SUPPORTER
						? newSupporters.get(newSupporterKey(row))!.supporter.id
						: choice);
				const gift: ImportedGift = {
					supporter_id: supporterId,
					channel,
					kind: 'one_off',
					amount_minor: row.amountMinor,
					currency: row.currency,
					fee_minor: row.feeMinor,
					net_minor: row.netMinor,
					status: 'succeeded',
					// Midday UTC keeps the booking date the same in every time zone staff work in.
					received_at: `${row.bookedOn}T12:00:00Z`,
					is_date_only: true,
					external_reference: row.transactionReference,
					bank_transaction_key: row.bankTransactionKey,
					payment_reference: row.kid,
					note: row.message,
					recorded_by: input.staffUserId,
					import_batch_id: batch.id,
					// A gift recorded before keeps what was decided then (the row is not changed).
					receipt_requested: input.sendReceipts === true && Boolean(emails.get(supporterId))
				};
				if (!recorded) {
					fresh.push(gift);
					continue;
				}
				// A gift recorded already keeps its supporter; recording it again only fills in
				// what it lacked (a fee, say) and counts as a duplicate.
				const { isNew } = await recordGift(trx, gift);
				if (isNew) {
					createdCount++;
					supportersWithGifts.add(supporterId);
				} else duplicateCount++;
			}
			const inserted = await recordNewGifts(trx, fresh);
			// The next import of the same transfers shows these as skipped, not as new.
			await rememberSkippedRows(trx, batch.id, channel, skipped);
			const counted = new Set<string>();
			for (const gift of fresh) {
				const reference = gift.external_reference!;
				// A row repeated in the file, or recorded by a racing import, is a duplicate.
				if (inserted.has(reference) && !counted.has(reference)) {
					counted.add(reference);
					createdCount++;
					supportersWithGifts.add(gift.supporter_id);
				} else duplicateCount++;
			}

			// Another import of the same file may have won the race for every gift of a new payer.
			let newSupporterCount = 0;
			for (const { supporter, isNew } of newSupporters.values()) {
				if (!isNew) continue;
				if (supportersWithGifts.has(supporter.id)) newSupporterCount++;
				else await trx.deleteFrom('supporter').where('id', '=', supporter.id).execute();
			}

			await trx
				.updateTable('import_batch')
				.set({ created_count: createdCount, duplicate_count: duplicateCount })
				.where('id', '=', batch.id)
				.execute();
			if (format === 'bank_csv' && parsed.csv) {
				await rememberMapping(trx, parsed.csv.headerSignature, parsed.csv.mapping);
			}
			const result: ImportOutcome = {
				batchId: batch.id,
				rowCount: parsed.rows.length,
				createdCount,
				duplicateCount,
				newSupporterCount,
				skippedCount
			};
			await recordAudit(trx, {
				staffUserId: input.staffUserId,
				action: 'import.commit',
				entityType: 'import_batch',
				entityId: batch.id,
				after: {
					format,
					fileName: input.fileName,
					fileSha256,
					sendReceipts: input.sendReceipts === true,
					...result,
					skippedInFile: parsed.skipped
				},
				requestId: input.requestId ?? null
			});
			return result;
		});
		return { ok: true, ...outcome };
	} catch (error) {
		if (error instanceof RefusedImport)
			return { ok: false, reason: 'unknown_supporters', lines: error.lines };
		throw error;
	}
}
