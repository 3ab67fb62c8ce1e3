import { csvDownload } from '../http/csv-download.ts';
import { sql, type Kysely, type RawBuilder, type SqlBool } from 'kysely';
import type { ContributionFilters, SupporterFilters } from '../../lists/filters.ts';
import { CSV_BOM, csvDecimal, csvLine, inertText, type CsvDialect } from '../../lists/csv.ts';
import {
	contributionCsvColumns,
	csvHeader,
	csvWords,
	supporterCsvColumns,
	supporterTotalColumn,
	type CsvReader
} from '../../lists/csv-columns.ts';
import type { Channel } from '../../giving/vocabulary.ts';
import type { Locale } from '../../locales.ts';
import { toDecimalString } from '../../money.ts';
import { recordAudit } from '../organisation/audit.ts';
import { canStream, streamLongRead } from '../db/connection.ts';
import type { Database } from '../db/schema.ts';
import {
	contributionConditions,
	filteredContributions,
	resolveContributionSearch
} from './contributions.ts';
import { organisationDay, organisationTimeZone, timeZoneName } from '../../dates.ts';
import { epochMicroseconds, fromEpochMicroseconds } from '../db/keyset.ts';
import { filteredSupporters, supporterSortKey, supporterSortValue } from './supporters.ts';

// CSV exports of the lists, with the list's filters and order, streamed: rows come from a
// database cursor (PostgreSQL) or keyset pages (PGlite, which cannot stream) and leave as CSV a
// few hundred lines at a time, so memory stays flat however many rows there are. See csv.ts for
// the two dialects (Excel in Norway, standard CSV for tools). Amounts are exact decimals beside
// their currency; times are formatted by the database: ISO 8601 in UTC to the microsecond, or for
// Excel the organisation's local minute; a gift known by its day alone is that day in both.
// The Excel export's header and coded values are in the staff member's language, the standard
// CSV's are fixed keys and codes (see csv-columns.ts).

// Rows per cursor read and per chunk written. Small batches die young in V8's heap: with 1,000
// the peak RSS of a million-row export was about 230 MB, with 200 about 155 MB (same speed).
const BATCH_ROWS = 200;

/** An instant: ISO 8601 in UTC for tools, "2025-03-06 13:00" in the organisation's zone for Excel. */
function csvInstant(column: string, dialect: CsvDialect) {
	return dialect === 'excel'
		? sql<
				string | null
			>`to_char(${sql.ref(column)} at time zone ${organisationTimeZone()}, 'YYYY-MM-DD HH24:MI')`
		: sql<
				string | null
			>`to_char(${sql.ref(column)} at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')`;
}

/** When a gift was received; one known by its day alone is that day (kept at midday UTC). */
function csvReceivedAt(dialect: CsvDialect) {
	return sql<string>`case when c.is_date_only
		then to_char(c.received_at at time zone 'UTC', 'YYYY-MM-DD')
		else ${csvInstant('c.received_at', dialect)} end`;
}

async function* csvBytes<Row>(
	header: string[],
	rows: AsyncIterable<Row>,
	line: (row: Row) => string,
	dialect: CsvDialect
): AsyncGenerator<Uint8Array> {
	yield Buffer.from((dialect === 'excel' ? CSV_BOM : '') + csvLine(header, dialect), 'utf8');
	let text = '';
	let count = 0;
	for await (const row of rows) {
		text += line(row);
		if (++count === BATCH_ROWS) {
			yield Buffer.from(text, 'utf8');
			text = '';
			count = 0;
		}
	}
	if (text) yield Buffer.from(text, 'utf8');
}

interface Position {
	value: string | number | null;
	id: string;
}

interface KeysetSource<Row> {
	/**
	 * The query with its filters and order, starting after a row's position (or at the top),
	 * built on `from`: the database, or the transaction a cursor reads in.
	 */
	query: (
		from: Kysely<Database>,
		after: Position | null
	) => {
		limit(n: number): { execute(): Promise<Row[]> };
		stream(chunkSize?: number): AsyncIterableIterator<Row>;
	};
	position: (row: Row) => Position;
}

/** Every row of a query: streamed from a cursor where the database can, else page by page. */
function allRows<Row>(db: Kysely<Database>, source: KeysetSource<Row>): AsyncIterable<Row> {
	if (canStream(db)) return streamLongRead(db, (trx) => source.query(trx, null), BATCH_ROWS);
	return (async function* () {
		let after: Position | null = null;
		for (;;) {
			const rows = await source.query(db, after).limit(BATCH_ROWS).execute();
			yield* rows;
			if (rows.length < BATCH_ROWS) return;
			after = source.position(rows[rows.length - 1]);
		}
	})();
}

/**
 * The gifts to export joined to their supporters. Read in one go (a cursor), the supporters are
 * hashed once: PostgreSQL would otherwise choose, for an ordered cursor, to look each gift's
 * supporter up by index, which took four times as long over a million gifts (measured).
 * Page by page (PGlite), the lookups are the cheaper way.
 */
function contributionsForExport(
	db: Kysely<Database>,
	conditions: RawBuilder<SqlBool>[],
	isWholeCursor: boolean
) {
	if (!isWholeCursor) return filteredContributions(db, conditions);
	const supporters = db
		.selectFrom('supporter')
		.select(['id', 'name', 'email', 'erased_at'])
		// OFFSET 0 keeps the subquery whole, so it cannot be probed gift by gift.
		.offset(0)
		.as('s');
	const query = db.selectFrom('contribution as c').innerJoin(supporters, 's.id', 'c.supporter_id');
	return conditions.length ? query.where(sql<SqlBool>`${sql.join(conditions, sql` and `)}`) : query;
}

/** The dialect, and for Excel the language, an export is written in. */
export interface ExportOptions {
	dialect?: CsvDialect;
	locale?: Locale;
}

function csvReader({ dialect = 'excel', locale = 'en' }: ExportOptions): CsvReader {
	return { dialect, locale, timeZoneName: timeZoneName({ locale }) };
}

/** The contributions the filters list, as CSV bytes (header first), in the list's order. */
export async function* contributionsCsv(
	db: Kysely<Database>,
	filters: ContributionFilters,
	options: ExportOptions = {}
): AsyncGenerator<Uint8Array> {
	const reader = csvReader(options);
	const { dialect } = reader;
	const words = csvWords(reader);
	const decimal = (amountMinor: number, currency: string) =>
		csvDecimal(toDecimalString(amountMinor, currency), dialect);
	const search = await resolveContributionSearch(db, filters.q);
	const byAmount = filters.sort === 'amount';
	const key = byAmount ? sql`c.amount_minor` : sql`c.received_at`;
	const order = filters.direction;
	const comparison = sql.raw(order === 'asc' ? '>' : '<');
	const rows = allRows(db, {
		query: (from, after) => {
			const conditions: RawBuilder<SqlBool>[] = contributionConditions(filters, search);
			if (after) {
				const value = byAmount
					? sql`${after.value}::bigint`
					: fromEpochMicroseconds(after.value as number);
				conditions.push(sql<SqlBool>`(${key}, c.id) ${comparison} (${value}, ${after.id}::uuid)`);
			}
			return (
				contributionsForExport(from, conditions, after === null && canStream(db))
					.select([
						'c.id',
						csvReceivedAt(dialect).as('received_at'),
						'c.status',
						'c.kind',
						'c.channel',
						'c.currency',
						'c.amount_minor',
						'c.refunded_minor',
						'c.fee_minor',
						'c.supporter_id',
						's.name',
						's.email',
						sql<boolean>`s.erased_at is not null`.as('is_erased'),
						'c.external_reference',
						'c.payment_reference',
						'c.recurring_plan_id',
						'c.is_anonymous',
						'c.dedication',
						'c.note',
						'c.void_reason',
						sql<string | null>`(select cp.slug from campaign cp where cp.id = c.campaign_id)`.as(
							'campaign'
						),
						'c.utm_source',
						'c.utm_medium',
						'c.utm_campaign',
						'c.source_page'
					])
					// Where the next page starts (PGlite); a cursor needs no such thing.
					.$if(!canStream(db), (query) =>
						query.select(
							(byAmount ? sql<number>`c.amount_minor` : epochMicroseconds(sql`c.received_at`)).as(
								'sort_value'
							)
						)
					)
					.orderBy(key, order)
					.orderBy('c.id', order)
			);
		},
		position: (row) => ({ value: row.sort_value ?? null, id: row.id })
	});
	yield* csvBytes(
		csvHeader(contributionCsvColumns, reader),
		rows,
		(row) =>
			csvLine(
				[
					row.id,
					row.received_at ?? '',
					words.status(row.status),
					words.kind(row.kind),
					words.channel(row.channel),
					row.currency,
					decimal(row.amount_minor, row.currency),
					decimal(row.refunded_minor, row.currency),
					row.fee_minor === null ? '' : decimal(row.fee_minor, row.currency),
					row.supporter_id,
					inertText(row.name),
					inertText(row.email),
					words.yesNo(row.is_erased),
					inertText(row.external_reference),
					inertText(row.payment_reference),
					row.recurring_plan_id ?? '',
					words.yesNo(row.is_anonymous),
					inertText(row.dedication),
					inertText(row.note),
					inertText(row.void_reason),
					row.campaign ?? '',
					inertText(row.utm_source),
					inertText(row.utm_medium),
					inertText(row.utm_campaign),
					inertText(row.source_page)
				],
				dialect
			),
		dialect
	);
}

/** The supporters the filters list, with their totals per currency (a column each), as CSV. */
export async function* supportersCsv(
	db: Kysely<Database>,
	filters: SupporterFilters,
	options: ExportOptions = {}
): AsyncGenerator<Uint8Array> {
	const reader = csvReader(options);
	const { dialect } = reader;
	const words = csvWords(reader);
	const currencies = (
		await db
			.selectFrom('supporter_total')
			.select('currency')
			.distinct()
			.orderBy('currency')
			.execute()
	).map((row) => row.currency);
	const key = supporterSortKey(filters);
	const order = filters.direction;
	const comparison = sql.raw(order === 'asc' ? '>' : '<');
	const rows = allRows(db, {
		query: (from, after) => {
			let query = filteredSupporters(from, filters, { withGiving: true });
			if (after)
				query = query.where(
					sql<SqlBool>`(${key.expression}, ${key.id}) ${comparison} (${key.parameter(after.value)}, ${after.id}::uuid)`
				);
			return query
				.select([
					's.id',
					's.name',
					's.email',
					's.phone',
					's.reference',
					's.country',
					's.preferred_locale',
					's.has_contact_consent',
					csvInstant('s.contact_consent_at', dialect).as('contact_consent_at'),
					's.tags',
					sql<boolean>`s.erased_at is not null`.as('is_erased'),
					csvInstant('s.created_at', dialect).as('created_at'),
					csvInstant('g.last_gift_at', dialect).as('last_gift_at'),
					sql<number>`g.gift_count`.as('gift_count'),
					sql<string[]>`g.channels`.as('channels'),
					sql<boolean>`exists (select 1 from recurring_plan p where p.supporter_id = s.id and p.status = 'active')`.as(
						'has_active_monthly'
					),
					sql<Record<
						string,
						number
					> | null>`(select jsonb_object_agg(x.currency, x.total_minor) from supporter_total x where x.supporter_id = s.id and x.gift_count > 0)`.as(
						'totals'
					),
					supporterSortValue(filters).as('sort_value')
				])
				.orderBy(key.expression, order)
				.orderBy(key.id, order);
		},
		position: (row) => ({ value: row.sort_value, id: row.id })
	});
	yield* csvBytes(
		csvHeader([...supporterCsvColumns, ...currencies.map(supporterTotalColumn)], reader),
		rows,
		(row) =>
			csvLine(
				[
					row.id,
					inertText(row.name),
					inertText(row.email),
					inertText(row.phone),
					inertText(row.reference),
					row.country ?? '',
					words.language(row.preferred_locale),
					words.yesNo(row.has_contact_consent),
					row.contact_consent_at ?? '',
					inertText(row.tags.join(', ')),
					words.yesNo(row.is_erased),
					row.created_at ?? '',
					row.last_gift_at ?? '',
					String(row.gift_count),
					words.channels(row.channels as Channel[]),
					words.yesNo(row.has_active_monthly),
					...currencies.map((currency) => {
						const total = row.totals?.[currency];
						return total === undefined
							? ''
							: csvDecimal(toDecimalString(Number(total), currency), dialect);
					})
				],
				dialect
			),
		dialect
	);
}

/** Bulk personal data leaves the system: who took which list, with which filters. */
export async function recordExport(
	db: Kysely<Database>,
	{
		staffUserId,
		list,
		query,
		requestId
	}: {
		staffUserId: string;
		list: 'contributions' | 'supporters';
		query: string;
		requestId?: string;
	}
): Promise<void> {
	await recordAudit(db, {
		staffUserId,
		action: `${list}.export`,
		entityType: list === 'contributions' ? 'contribution' : 'supporter',
		after: { filters: Object.fromEntries(new URLSearchParams(query)) },
		requestId
	});
}

/**
 * An export as an HTTP response body, pulled chunk by chunk as the client reads: a slow download
 * holds the cursor back instead of filling memory, and a cancelled one closes it.
 */
export function csvStream(chunks: AsyncGenerator<Uint8Array>): ReadableStream<Uint8Array> {
	return new ReadableStream<Uint8Array>(
		{
			async pull(controller) {
				const { value, done } = await chunks.next();
				if (done) controller.close();
				else controller.enqueue(value);
			},
			async cancel() {
				await chunks.return(undefined);
			}
		},
		{ highWaterMark: 0 }
	);
}

/** `komak-contributions-2026-11-25.csv`: what the browser saves the export as. */
export function exportFileName(list: 'contributions' | 'supporters', now = new Date()): string {
	return `komak-${list}-${organisationDay(now)}.csv`;
}

/** A list's export as a download, recorded in the audit log before the first row is read. */
export async function exportListDownload(
	db: Kysely<Database>,
	audit: {
		staffUserId: string;
		list: 'contributions' | 'supporters';
		query: string;
		requestId?: string;
	},
	chunks: AsyncGenerator<Uint8Array>
): Promise<Response> {
	await recordExport(db, audit);
	return csvDownload(csvStream(chunks), exportFileName(audit.list));
}
