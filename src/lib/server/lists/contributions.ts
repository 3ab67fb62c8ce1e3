import { sql, type Kysely, type RawBuilder, type SqlBool, type Transaction } from 'kysely';
import type { ContributionFilters } from '../../lists/filters.ts';
import { PAGE_SIZE } from '../../lists/cursor.ts';
import type { Channel, ContributionKind, ContributionStatus } from '../../giving/vocabulary.ts';
import type { Database } from '../db/schema.ts';
import { addDays, endOfDay, startOfDay } from '../organisation/calendar.ts';
import { organisationDay } from '../../dates.ts';
import {
	assemblePage,
	epochMicroseconds,
	fromEpochMicroseconds,
	keysetPage,
	type Page,
	type SortKey
} from '../db/keyset.ts';
import { supporterSearchCondition } from '../supporters/search.ts';
import { toGiftSummary } from '../giving/gift-summary.ts';

type Db = Kysely<Database> | Transaction<Database>;

export interface ContributionListRow {
	id: string;
	receivedAt: Date;
	/** Only the day is known (hand-recorded or imported): shown without a time. */
	isDateOnly: boolean;
	channel: Channel;
	kind: ContributionKind;
	status: ContributionStatus;
	amountMinor: number;
	refundedMinor: number;
	currency: string;
	externalReference: string | null;
	recurringPlanId: string | null;
	campaignName: string | null;
	supporter: { id: string; name: string; email: string | null; isErased: boolean };
}

/** Totals of the gifts that count (succeeded, partially refunded net), one per currency. */
export interface CurrencyTotal {
	currency: string;
	giftCount: number;
	netMinor: number;
}

export interface ContributionTotals {
	currencies: CurrencyTotal[];
	/** How many gifts the filters list, whatever their status. */
	listedCount: number;
}

/**
 * The search box finds a gift by its own reference (a Stripe id, a bank or Vipps transaction id)
 * when one has exactly that reference; otherwise it finds the gifts of the supporters it matches.
 * PostgreSQL then reads a few supporters' gifts through the supporter index (whose columns also
 * answer the totals), or, for a common word, walks the newest gifts and keeps the matching ones.
 */
export async function resolveContributionSearch(
	db: Db,
	query: string
): Promise<RawBuilder<SqlBool> | null> {
	if (!query) return null;
	const byReference = await db
		.selectFrom('contribution')
		.select('id')
		.where('external_reference', '=', query)
		.limit(1)
		.executeTakeFirst();
	if (byReference) return sql<SqlBool>`c.external_reference = ${query}`;
	const matches = supporterSearchCondition(query, 'm');
	if (!matches) return null;
	return sql<SqlBool>`c.supporter_id in (select m.id from supporter m where ${matches})`;
}

/**
 * Every filter but the page, as conditions on the gifts (`c`) alone; the search is resolved once
 * by `resolveContributionSearch`.
 */
export function contributionConditions(
	filters: ContributionFilters,
	search: RawBuilder<SqlBool> | null
): RawBuilder<SqlBool>[] {
	const conditions: RawBuilder<SqlBool>[] = [];
	if (search) conditions.push(search);
	if (filters.channel) conditions.push(sql<SqlBool>`c.channel = ${filters.channel}`);
	if (filters.kind) conditions.push(sql<SqlBool>`c.kind = ${filters.kind}`);
	if (filters.status) conditions.push(sql<SqlBool>`c.status = ${filters.status}`);
	if (filters.currency) conditions.push(sql<SqlBool>`c.currency = ${filters.currency}`);
	if (filters.from) conditions.push(sql<SqlBool>`c.received_at >= ${startOfDay(filters.from)}`);
	if (filters.to) conditions.push(sql<SqlBool>`c.received_at < ${endOfDay(filters.to)}`);
	if (filters.amountMinMinor !== null)
		conditions.push(sql<SqlBool>`c.amount_minor >= ${filters.amountMinMinor}`);
	if (filters.amountMaxMinor !== null)
		conditions.push(sql<SqlBool>`c.amount_minor <= ${filters.amountMaxMinor}`);
	if (filters.supporterId)
		conditions.push(sql<SqlBool>`c.supporter_id = ${filters.supporterId}::uuid`);
	if (filters.campaignId)
		conditions.push(sql<SqlBool>`c.campaign_id = ${filters.campaignId}::uuid`);
	if (filters.mayBeContacted !== null)
		conditions.push(
			sql<SqlBool>`c.supporter_id in (select p.id from supporter p where p.has_contact_consent = ${filters.mayBeContacted})`
		);
	return conditions;
}

function sortKey(filters: ContributionFilters): SortKey {
	const id = sql`c.id`;
	if (filters.sort === 'amount')
		return {
			expression: sql`c.amount_minor`,
			parameter: (v) => sql`${Number(v)}::bigint`,
			id
		};
	return {
		expression: sql`c.received_at`,
		parameter: (v) => fromEpochMicroseconds(v as number),
		id
	};
}

/** The gifts the conditions select, joined to their supporters (`c` and `s`). */
export function filteredContributions(db: Db, conditions: RawBuilder<SqlBool>[]) {
	const query = db
		.selectFrom('contribution as c')
		.innerJoin('supporter as s', 's.id', 'c.supporter_id');
	return conditions.length ? query.where(sql<SqlBool>`${sql.join(conditions, sql` and `)}`) : query;
}

/** One page of gifts from every channel, newest first unless sorted otherwise. */
export async function listContributions(
	db: Db,
	filters: ContributionFilters,
	{ pageSize = PAGE_SIZE, search }: { pageSize?: number; search?: RawBuilder<SqlBool> | null } = {}
): Promise<Page<ContributionListRow>> {
	if (search === undefined) search = await resolveContributionSearch(db, filters.q);
	const key = sortKey(filters);
	const page = keysetPage(key, filters.direction, filters.cursor);
	const conditions = contributionConditions(filters, search);
	if (page.condition) conditions.push(page.condition);
	const fetched = await filteredContributions(db, conditions)
		.leftJoin('campaign as cp', 'cp.id', 'c.campaign_id')
		.select([
			'cp.name as campaign_name',
			'c.id',
			'c.received_at',
			'c.is_date_only',
			'c.channel',
			'c.kind',
			'c.status',
			'c.amount_minor',
			'c.refunded_minor',
			'c.currency',
			'c.external_reference',
			'c.recurring_plan_id',
			's.id as supporter_id',
			's.name as supporter_name',
			's.email as supporter_email',
			sql<boolean>`s.erased_at is not null`.as('supporter_is_erased'),
			(filters.sort === 'amount'
				? sql<number>`c.amount_minor`
				: epochMicroseconds(sql`c.received_at`)
			).as('sort_value')
		])
		.orderBy(key.expression, page.order)
		.orderBy(key.id, page.order)
		.limit(pageSize + 1)
		.execute();
	if (page.isBackwards && fetched.length < pageSize)
		return listContributions(db, { ...filters, cursor: null }, { pageSize, search });
	const assembled = assemblePage(fetched, {
		sort: filters.sort,
		direction: filters.direction,
		cursor: filters.cursor,
		sortValue: (row) => row.sort_value,
		pageSize
	});
	return {
		...assembled,
		rows: assembled.rows.map((row) => ({
			...toGiftSummary(row),
			externalReference: row.external_reference,
			recurringPlanId: row.recurring_plan_id,
			campaignName: row.campaign_name,
			supporter: {
				id: row.supporter_id,
				name: row.supporter_name,
				email: row.supporter_email,
				isErased: row.supporter_is_erased
			}
		}))
	};
}

/**
 * Totals per currency of the gifts the filters list. When only the date, channel, kind, status
 * and currency filter, the daily totals answer at once; a search, amount range or supporter needs
 * the gifts themselves.
 */
export async function contributionTotals(
	db: Db,
	filters: ContributionFilters,
	{ search }: { search?: RawBuilder<SqlBool> | null } = {}
): Promise<ContributionTotals> {
	const needsGifts =
		filters.q !== '' ||
		filters.amountMinMinor !== null ||
		filters.amountMaxMinor !== null ||
		filters.supporterId !== null ||
		filters.campaignId !== null ||
		filters.mayBeContacted !== null;
	const rows = needsGifts
		? await totalsFromGifts(db, filters, search)
		: await totalsFromDays(db, filters);
	return {
		currencies: rows
			.filter((row) => row.gift_count > 0)
			.map((row) => ({
				currency: row.currency,
				giftCount: row.gift_count,
				netMinor: row.net_minor
			})),
		listedCount: rows.reduce((sum, row) => sum + row.listed_count, 0)
	};
}

interface TotalsRow {
	currency: string;
	gift_count: number;
	net_minor: number;
	listed_count: number;
}

async function totalsFromGifts(
	db: Db,
	filters: ContributionFilters,
	search?: RawBuilder<SqlBool> | null
): Promise<TotalsRow[]> {
	if (search === undefined) search = await resolveContributionSearch(db, filters.q);
	const conditions = contributionConditions(filters, search);
	// The supporters are not needed to add up: the conditions are all on the gifts.
	return db
		.selectFrom('contribution as c')
		.$if(conditions.length > 0, (query) =>
			query.where(sql<SqlBool>`${sql.join(conditions, sql` and `)}`)
		)
		.select([
			'c.currency',
			sql<number>`count(*) filter (where komak_counts(c.status))`.as('gift_count'),
			sql<number>`coalesce(sum(c.amount_minor - c.refunded_minor) filter (where komak_counts(c.status)), 0)::bigint`.as(
				'net_minor'
			),
			sql<number>`count(*)`.as('listed_count')
		])
		.groupBy('c.currency')
		.orderBy('c.currency')
		.execute();
}

/**
 * Folds the daily totals' shards of days before yesterday into one row each. Writers spread a
 * day over shards so concurrent gifts do not queue on one row; readers fold the past ones, so
 * they add up about one row per day and kind of gift. Cheap when there is nothing to fold.
 */
export async function foldPastDailyTotals(db: Db, now = new Date()): Promise<void> {
	const before = addDays(organisationDay(now), -1);
	await sql`select komak_compact_daily_totals(${before}::date)`.execute(db);
}

async function totalsFromDays(db: Db, filters: ContributionFilters): Promise<TotalsRow[]> {
	await foldPastDailyTotals(db);
	let query = db
		.selectFrom('contribution_daily_total as d')
		.select([
			'd.currency',
			sql<number>`coalesce(sum(d.gift_count) filter (where komak_counts(d.status)), 0)::bigint`.as(
				'gift_count'
			),
			sql<number>`coalesce(sum(d.amount_minor - d.refunded_minor) filter (where komak_counts(d.status)), 0)::bigint`.as(
				'net_minor'
			),
			sql<number>`coalesce(sum(d.gift_count), 0)::bigint`.as('listed_count')
		])
		.groupBy('d.currency')
		.orderBy('d.currency');
	if (filters.channel) query = query.where('d.channel', '=', filters.channel);
	if (filters.kind) query = query.where('d.kind', '=', filters.kind);
	if (filters.status) query = query.where('d.status', '=', filters.status);
	if (filters.currency) query = query.where('d.currency', '=', filters.currency);
	if (filters.from) query = query.where(sql<SqlBool>`d.day >= ${filters.from}::date`);
	if (filters.to) query = query.where(sql<SqlBool>`d.day <= ${filters.to}::date`);
	return query.execute();
}
