import { sql, type Kysely, type RawBuilder, type SqlBool, type Transaction } from 'kysely';
import type { SupporterFilters } from '../../lists/filters.ts';
import { PAGE_SIZE } from '../../lists/cursor.ts';
import type { Channel } from '../../giving/vocabulary.ts';
import type { Database } from '../db/schema.ts';
import { endOfDay, startOfDay } from '../organisation/calendar.ts';
import {
	assemblePage,
	cappedCount,
	epochMicroseconds,
	fromEpochMicroseconds,
	keysetPage,
	type CappedCount,
	type Page,
	type SortKey
} from '../db/keyset.ts';
import { supporterSearchCondition } from '../supporters/search.ts';

type Db = Kysely<Database> | Transaction<Database>;

export interface SupporterTotal {
	currency: string;
	totalMinor: number;
	giftCount: number;
}

export interface SupporterListRow {
	id: string;
	name: string;
	email: string | null;
	phone: string | null;
	reference: string | null;
	tags: string[];
	/** Personal data removed: shown as "Erased supporter". */
	isErased: boolean;
	createdAt: Date;
	lastGiftAt: Date | null;
	channels: Channel[];
	hasActiveMonthly: boolean;
	/** Counted gifts per currency, never added across currencies. */
	totals: SupporterTotal[];
}

// Up to this many matches are gathered and sorted (and counted); past it the sort order's index
// is walked instead and the count says "more than".
const COUNT_LIMIT = 5_000;

export function supporterSortKey(filters: SupporterFilters): SortKey {
	const id = sql`s.id`;
	switch (filters.sort) {
		case 'name':
			return { expression: sql`lower(s.name)`, parameter: (v) => sql`${v}::text`, id };
		case 'created':
			return {
				expression: sql`s.created_at`,
				parameter: (v) => fromEpochMicroseconds(v as number),
				id
			};
		case 'last_gift':
			return {
				expression: sql`coalesce(g.last_gift_at, '-infinity'::timestamptz)`,
				parameter: (v) => fromEpochMicroseconds(v as number | null),
				id: sql`g.supporter_id`
			};
		case 'total':
			return {
				expression: sql`t.total_minor`,
				parameter: (v) => sql`${Number(v)}::bigint`,
				id: sql`t.supporter_id`
			};
	}
}

/** The last gift as its index has it: never is before every date. */
const lastGift = sql`coalesce(g.last_gift_at, '-infinity'::timestamptz)`;

/**
 * Every filter but the page: shared by the list and the CSV export. `totalRange` replaces the
 * total-given condition when the caller has resolved it (see `resolveTotalRange`).
 */
function supporterConditions(
	filters: SupporterFilters,
	totalRange?: RawBuilder<SqlBool>
): RawBuilder<SqlBool>[] {
	const conditions: RawBuilder<SqlBool>[] = [sql<SqlBool>`s.merged_into is null`];
	const search = supporterSearchCondition(filters.q);
	if (search) conditions.push(search);
	if (filters.channel)
		conditions.push(sql<SqlBool>`g.channels @> array[${filters.channel}]::text[]`);
	if (filters.hasActiveMonthly !== null) {
		const hasPlan = sql`exists (select 1 from recurring_plan p where p.supporter_id = s.id and p.status = 'active')`;
		conditions.push(
			filters.hasActiveMonthly ? sql<SqlBool>`${hasPlan}` : sql<SqlBool>`not ${hasPlan}`
		);
	}
	if (filters.mayBeContacted !== null)
		conditions.push(sql<SqlBool>`s.has_contact_consent = ${filters.mayBeContacted}`);
	if (filters.lastGiftFrom)
		conditions.push(sql<SqlBool>`${lastGift} >= ${startOfDay(filters.lastGiftFrom)}`);
	if (filters.lastGiftTo)
		conditions.push(sql<SqlBool>`${lastGift} < ${endOfDay(filters.lastGiftTo)}`);
	const { totalMinMinor: min, totalMaxMinor: max, currency } = filters;
	if (totalRange) conditions.push(totalRange);
	else if (min !== null || max !== null) {
		// Every supporter has a total in each currency set up (0 if they never gave in it), so the
		// amount index answers the range, never-givers included when it starts at 0.
		const atMost = max !== null ? sql`and total_minor <= ${max}` : sql``;
		conditions.push(
			sql<SqlBool>`s.id in (select supporter_id from supporter_total where currency = ${currency} and total_minor >= ${min ?? 0} ${atMost})`
		);
	}
	if (filters.tag) conditions.push(sql<SqlBool>`s.tags @> array[${filters.tag}]::text[]`);
	return conditions;
}

/** Whether the filters or the order need the giving facts (`g`): joined only then. */
function needsGiving(filters: SupporterFilters): boolean {
	return Boolean(
		filters.channel || filters.lastGiftFrom || filters.lastGiftTo || filters.sort === 'last_gift'
	);
}

/** The supporters the filters select (`s`), with `g` and `t` joined where needed or asked for. */
export function filteredSupporters(
	db: Db,
	filters: SupporterFilters,
	{
		withGiving = false,
		totalRange
	}: { withGiving?: boolean; totalRange?: RawBuilder<SqlBool> } = {}
) {
	const conditions = supporterConditions(filters, totalRange);
	return db
		.selectFrom('supporter as s')
		.$if(withGiving || needsGiving(filters), (query) =>
			query.innerJoin('supporter_giving as g', 'g.supporter_id', 's.id')
		)
		.$if(filters.sort === 'total', (query) =>
			query.innerJoin('supporter_total as t', (join) =>
				join.onRef('t.supporter_id', '=', 's.id').on('t.currency', '=', filters.currency)
			)
		)
		.where(sql<SqlBool>`${sql.join(conditions, sql` and `)}`);
}

/**
 * The supporters whose total lies in the range, looked up first when there are at most 5,000 of
 * them. PostgreSQL misjudges such ranges (the zero totals of currencies people did not give in
 * crowd its statistics: it expected 58,000 supporters where 229 gave up to 100 NOK), and would
 * then scan everyone; a list of ids it counts right.
 */
async function resolveTotalRange(
	db: Db,
	filters: SupporterFilters
): Promise<RawBuilder<SqlBool> | undefined> {
	const { totalMinMinor: min, totalMaxMinor: max, currency } = filters;
	if (min === null && max === null) return undefined;
	const rows = await db
		.selectFrom('supporter_total')
		.select('supporter_id')
		.where('currency', '=', currency)
		.where('total_minor', '>=', min ?? 0)
		.$if(max !== null, (query) => query.where('total_minor', '<=', max!))
		.limit(COUNT_LIMIT + 1)
		.execute();
	if (rows.length > COUNT_LIMIT) return undefined;
	if (rows.length === 0) return sql<SqlBool>`false`;
	return sql<SqlBool>`s.id in (select unnest(${rows.map((row) => row.supporter_id)}::uuid[]))`;
}

export interface SupporterPage extends Page<SupporterListRow> {
	/** How many supporters the filters match, counted up to 5,000. */
	count: CappedCount;
}

interface Listed {
	id: string;
	sort_value: string | number | null;
}

/**
 * One page of supporters: filtered, sorted, after or before a cursor. Merged supporters are
 * hidden.
 *
 * Two ways to the page. When the filters leave at most 5,000 supporters (a search for a name,
 * a month's givers), all of them are gathered through the filters' own indexes and sorted,
 * which also counts them. When they leave more, walking the sort order's index and skipping
 * those that do not match finds a page at once. Walking alone would be slow for rare matches
 * that sort late (everyone called Nora, by name); gathering alone for common ones ("gmail").
 */
export async function listSupporters(
	db: Db,
	filters: SupporterFilters,
	pageSize = PAGE_SIZE
): Promise<SupporterPage> {
	const isNarrowed = supporterConditions(filters).length > 1;
	const totalRange = await resolveTotalRange(db, filters);
	const gathered = isNarrowed ? await gatherPage(db, filters, pageSize, totalRange) : null;
	const listed = gathered?.rows ?? (await walkPage(db, filters, pageSize, totalRange));
	const count =
		gathered?.count ??
		(isNarrowed ? cappedCount(COUNT_LIMIT + 1, COUNT_LIMIT) : await countSupporters(db));
	if (filters.cursor?.side === 'before' && listed.length < pageSize)
		return listSupporters(db, { ...filters, cursor: null }, pageSize);
	const page = assemblePage(listed, {
		sort: filters.sort,
		direction: filters.direction,
		cursor: filters.cursor,
		sortValue: (row) => row.sort_value,
		pageSize
	});
	return { ...page, rows: await describe(db, page.rows), count };
}

/** "No gift yet" as microseconds since 1970: earlier than any real date (null would not sort). */
const NEVER = -Number.MAX_SAFE_INTEGER;

async function gatherPage(
	db: Db,
	filters: SupporterFilters,
	pageSize: number,
	totalRange: RawBuilder<SqlBool> | undefined
): Promise<{ rows: Listed[]; count: CappedCount } | null> {
	const isBackwards = filters.cursor?.side === 'before';
	const direction = (filters.direction === 'asc') !== isBackwards ? 'asc' : 'desc';
	const order = sql.raw(direction);
	const key = filters.sort === 'name' ? sql`m.sort_value` : sql`coalesce(m.sort_value, ${NEVER})`;
	let after = sql<SqlBool>`true`;
	if (filters.cursor) {
		const comparison = sql.raw(direction === 'asc' ? '>' : '<');
		const value =
			filters.sort === 'name'
				? sql`${filters.cursor.value}::text`
				: sql`coalesce(${filters.cursor.value}::bigint, ${NEVER})`;
		after = sql<SqlBool>`(${key}, m.id) ${comparison} (${value}, ${filters.cursor.id}::uuid)`;
	}
	const matching = filteredSupporters(db, filters, { totalRange })
		.select(['s.id', supporterSortValue(filters).as('sort_value')])
		.limit(COUNT_LIMIT + 1);
	const result = await sql<{
		total: number;
		id: string | null;
		sort_value: string | number | null;
	}>`
		with matching as materialized (${matching})
		select counted.total, page.id, page.sort_value
		from (select count(*)::bigint as total from matching) counted
		left join lateral (
			select m.id, m.sort_value from matching m
			where ${after}
			order by ${key} ${order}, m.id ${order}
			limit ${pageSize + 1}
		) page on true`.execute(db);
	const total = result.rows[0]?.total ?? 0;
	if (total > COUNT_LIMIT) return null;
	return {
		rows: result.rows.flatMap((row) =>
			row.id ? [{ id: row.id, sort_value: row.sort_value }] : []
		),
		count: { value: total, isMore: false }
	};
}

async function walkPage(
	db: Db,
	filters: SupporterFilters,
	pageSize: number,
	totalRange: RawBuilder<SqlBool> | undefined
): Promise<Listed[]> {
	const key = supporterSortKey(filters);
	const page = keysetPage(key, filters.direction, filters.cursor);
	let query = filteredSupporters(db, filters, { totalRange });
	if (page.condition) query = query.where(page.condition);
	return query
		.select(['s.id', supporterSortValue(filters).as('sort_value')])
		.orderBy(key.expression, page.order)
		.orderBy(key.id, page.order)
		.limit(pageSize + 1)
		.execute();
}

/** Everyone but the merged, counted up to 5,000. */
async function countSupporters(db: Db): Promise<CappedCount> {
	const { counted } = await db
		.selectFrom(
			db
				.selectFrom('supporter')
				.select(sql`1`.as('one'))
				.where('merged_into', 'is', null)
				.limit(COUNT_LIMIT + 1)
				.as('matching')
		)
		.select(sql<number>`count(*)::bigint`.as('counted'))
		.executeTakeFirstOrThrow();
	return cappedCount(counted, COUNT_LIMIT);
}

/** What the list shows of each supporter on the page, in the page's order. */
async function describe(db: Db, listed: Listed[]): Promise<SupporterListRow[]> {
	if (listed.length === 0) return [];
	const ids = listed.map((row) => row.id);
	const [people, totals, monthly] = await Promise.all([
		db
			.selectFrom('supporter as s')
			.innerJoin('supporter_giving as g', 'g.supporter_id', 's.id')
			.select([
				's.id',
				's.name',
				's.email',
				's.phone',
				's.reference',
				's.tags',
				's.created_at',
				'g.last_gift_at',
				'g.channels',
				sql<boolean>`s.erased_at is not null`.as('is_erased')
			])
			.where('s.id', 'in', ids)
			.execute(),
		totalsOf(db, ids),
		db
			.selectFrom('recurring_plan')
			.select('supporter_id')
			.distinct()
			.where('supporter_id', 'in', ids)
			.where('status', '=', 'active')
			.execute()
	]);
	const byId = new Map(people.map((person) => [person.id, person]));
	const withPlan = new Set(monthly.map((plan) => plan.supporter_id));
	return ids.flatMap((id) => {
		const person = byId.get(id);
		if (!person) return [];
		return [
			{
				id,
				name: person.name,
				email: person.email,
				phone: person.phone,
				reference: person.reference,
				tags: person.tags,
				isErased: person.is_erased,
				createdAt: person.created_at,
				lastGiftAt: person.last_gift_at,
				channels: person.channels,
				hasActiveMonthly: withPlan.has(id),
				totals: totals.get(id) ?? []
			}
		];
	});
}

/** The row's sort value as a cursor keeps it (timestamps in microseconds). */
export function supporterSortValue(filters: SupporterFilters): RawBuilder<string | number | null> {
	switch (filters.sort) {
		case 'name':
			return sql`lower(s.name)`;
		case 'created':
			return epochMicroseconds(sql`s.created_at`);
		case 'last_gift':
			return epochMicroseconds(sql`g.last_gift_at`);
		case 'total':
			return sql`t.total_minor`;
	}
}

async function totalsOf(db: Db, supporterIds: string[]): Promise<Map<string, SupporterTotal[]>> {
	const totals = new Map<string, SupporterTotal[]>();
	if (supporterIds.length === 0) return totals;
	const rows = await db
		.selectFrom('supporter_total')
		.select(['supporter_id', 'currency', 'total_minor', 'gift_count'])
		.where('supporter_id', 'in', supporterIds)
		.where('gift_count', '>', 0)
		.orderBy('currency')
		.execute();
	for (const row of rows) {
		const list = totals.get(row.supporter_id) ?? [];
		list.push({ currency: row.currency, totalMinor: row.total_minor, giftCount: row.gift_count });
		totals.set(row.supporter_id, list);
	}
	return totals;
}

/** The currencies set up for giving, in the settings' order: the choices of the currency filter. */
export async function listCurrencyCodes(db: Db): Promise<string[]> {
	const rows = await db
		.selectFrom('currency_setting')
		.select('currency')
		.orderBy('position')
		.orderBy('currency')
		.execute();
	return rows.map((row) => row.currency);
}

/** Who a list filtered to one supporter is about, as the list names them. */
export async function findSupporterName(
	db: Db,
	id: string
): Promise<{ id: string; name: string; isErased: boolean } | undefined> {
	const row = await db
		.selectFrom('supporter')
		.select(['id', 'name', sql<boolean>`erased_at is not null`.as('is_erased')])
		.where('id', '=', id)
		.executeTakeFirst();
	return row && { id: row.id, name: row.name, isErased: row.is_erased };
}
