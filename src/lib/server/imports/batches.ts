import { sql, type Kysely, type Transaction } from 'kysely';
import { isCompleteMapping, type CsvMapping, csvMappingFields } from '../../imports/bank-csv.ts';
import type { Database, ImportFormat } from '../db/schema.ts';
import type { Channel } from '../../giving/vocabulary.ts';

type Db = Kysely<Database> | Transaction<Database>;

/** The column mapping staff last chose for a bank layout, if it still fits the file. */
export async function findRememberedMapping(
	db: Db,
	headerSignature: string,
	columnCount: number
): Promise<CsvMapping | null> {
	const row = await db
		.selectFrom('import_mapping')
		.select('mapping')
		.where('header_signature', '=', headerSignature)
		.executeTakeFirst();
	if (!row) return null;
	const mapping: CsvMapping = {};
	for (const field of csvMappingFields) {
		const value = row.mapping[field];
		if (value !== undefined) mapping[field] = Number(value);
	}
	return isCompleteMapping(mapping, columnCount) ? mapping : null;
}

export async function rememberMapping(
	db: Db,
	headerSignature: string,
	mapping: CsvMapping
): Promise<void> {
	const stored = JSON.stringify(
		Object.fromEntries(Object.entries(mapping).map(([field, index]) => [field, String(index)]))
	);
	await db
		.insertInto('import_mapping')
		.values({ header_signature: headerSignature, mapping: stored })
		.onConflict((oc) =>
			oc.column('header_signature').doUpdateSet({ mapping: stored, updated_at: sql`now()` })
		)
		.execute();
}

export interface ImportBatchSummary {
	id: string;
	format: ImportFormat;
	fileName: string;
	rowCount: number;
	createdCount: number;
	duplicateCount: number;
	createdAt: Date;
	staffName: string | null;
}

/** The name of the staff member who made an import, or their email when they gave no name. */
const staffName = sql<string | null>`coalesce(nullif(staff_user.name, ''), staff_user.email)`;

const summaryColumns = [
	'import_batch.id',
	'import_batch.format',
	'import_batch.file_name as fileName',
	'import_batch.row_count as rowCount',
	'import_batch.created_count as createdCount',
	'import_batch.duplicate_count as duplicateCount',
	'import_batch.created_at as createdAt',
	staffName.as('staffName')
] as const;

export async function listImportBatches(db: Db, limit = 20): Promise<ImportBatchSummary[]> {
	return db
		.selectFrom('import_batch')
		.leftJoin('staff_user', 'staff_user.id', 'import_batch.staff_user_id')
		.select(summaryColumns)
		.orderBy('import_batch.created_at', 'desc')
		.orderBy('import_batch.id', 'desc')
		.limit(limit)
		.execute();
}

/** Earlier imports of the very same file, so the preview can say so. */
export async function findImportsOfFile(db: Db, fileSha256: string) {
	return db
		.selectFrom('import_batch')
		.select(['id', 'created_at as createdAt'])
		.where('file_sha256', '=', fileSha256)
		.orderBy('created_at', 'desc')
		.limit(5)
		.execute();
}

export interface ImportBatchDetail extends ImportBatchSummary {
	newSupporterCount: number | null;
	/** Rows staff chose not to import. */
	skippedCount: number | null;
	contributions: {
		id: string;
		supporterId: string;
		supporterName: string;
		amountMinor: number;
		currency: string;
		receivedAt: Date;
		externalReference: string | null;
	}[];
}

/** One batch with what it added; new supporters and rows left out are counted in its audit entry. */
export async function findImportBatch(db: Db, id: string): Promise<ImportBatchDetail | null> {
	const batch = await db
		.selectFrom('import_batch')
		.leftJoin('staff_user', 'staff_user.id', 'import_batch.staff_user_id')
		.select(summaryColumns)
		.where('import_batch.id', '=', id)
		.executeTakeFirst();
	if (!batch) return null;
	const [audit, contributions] = await Promise.all([
		db
			.selectFrom('audit_log')
			.select('after')
			.where('entity_type', '=', 'import_batch')
			.where('entity_id', '=', id)
			.where('action', '=', 'import.commit')
			.executeTakeFirst(),
		db
			.selectFrom('contribution')
			.innerJoin('supporter', 'supporter.id', 'contribution.supporter_id')
			.select([
				'contribution.id',
				'contribution.supporter_id as supporterId',
				'supporter.name as supporterName',
				'contribution.amount_minor as amountMinor',
				'contribution.currency',
				'contribution.received_at as receivedAt',
				'contribution.external_reference as externalReference'
			])
			.where('contribution.import_batch_id', '=', id)
			.orderBy('contribution.received_at')
			.orderBy('contribution.id')
			.limit(1000)
			.execute()
	]);
	const after = audit?.after as { newSupporterCount?: number; skippedCount?: number } | null;
	return {
		...batch,
		newSupporterCount: after?.newSupporterCount ?? null,
		skippedCount: after?.skippedCount ?? null,
		contributions
	};
}

/** When and by whom a row was left out of an earlier import. */
export interface SkippedRow {
	skippedAt: Date;
	staffName: string | null;
}

/**
 * Remembers the rows staff chose not to import, by their reference and key across formats, so a
 * later import of the same transfers shows them as skipped rather than new.
 */
export async function rememberSkippedRows(
	trx: Db,
	batchId: string,
	channel: Channel,
	rows: { transactionReference: string; bankTransactionKey: string | null }[]
): Promise<void> {
	if (rows.length === 0) return;
	await sql`
		insert into import_skipped_row (channel, external_reference, bank_transaction_key, import_batch_id)
		select ${channel}, reference, key, ${batchId}::uuid
		from unnest(
			${rows.map((row) => row.transactionReference)}::text[],
			${rows.map((row) => row.bankTransactionKey)}::text[]
		) as skipped(reference, key)
		on conflict (channel, external_reference) do nothing`.execute(trx);
}

/** The rows that an earlier import left out, found by reference or by key across formats. */
export async function findSkippedRows(
	db: Db,
	channel: Channel,
	rows: { transactionReference: string; bankTransactionKey: string | null }[]
): Promise<
	(row: {
		transactionReference: string;
		bankTransactionKey: string | null;
	}) => SkippedRow | undefined
> {
	const references = [...new Set(rows.map((row) => row.transactionReference))];
	const keys = [...new Set(rows.flatMap((row) => row.bankTransactionKey ?? []))];
	// Most imports have never skipped a row: then the file's references need not travel.
	const isAnySkipped =
		rows.length > 0 &&
		(await db.selectFrom('import_skipped_row').select('channel').limit(1).executeTakeFirst()) !==
			undefined;
	const found = !isAnySkipped
		? []
		: await db
				.selectFrom('import_skipped_row as s')
				.innerJoin('import_batch as b', 'b.id', 's.import_batch_id')
				.leftJoin('staff_user', 'staff_user.id', 'b.staff_user_id')
				.select([
					's.external_reference',
					's.bank_transaction_key',
					'b.created_at as skippedAt',
					staffName.as('staffName')
				])
				.where((eb) =>
					eb.or([
						eb.and([
							eb('s.channel', '=', channel),
							eb('s.external_reference', '=', eb.fn.any(sql<string[]>`${references}::text[]`))
						]),
						...(keys.length > 0
							? [eb('s.bank_transaction_key', '=', eb.fn.any(sql<string[]>`${keys}::text[]`))]
							: [])
					])
				)
				.execute();
	const byReference = new Map(found.map((row) => [row.external_reference, row]));
	const byKey = new Map(
		found.flatMap((row) => (row.bank_transaction_key ? [[row.bank_transaction_key, row]] : []))
	);
	return (row) => {
		const skipped =
			byReference.get(row.transactionReference) ??
			(row.bankTransactionKey ? byKey.get(row.bankTransactionKey) : undefined);
		return skipped && { skippedAt: skipped.skippedAt, staffName: skipped.staffName };
	};
}
