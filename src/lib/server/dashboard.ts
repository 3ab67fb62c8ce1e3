import { sql, type Kysely, type SqlBool, type Transaction } from 'kysely';
import type { Channel } from '../contribution.ts';
import { addDays, monthStart, organisationDate, startOfDay } from './calendar.ts';
import { foldPastDailyTotals } from './contribution-list.ts';
import type { Database } from './db-schema.ts';

type Db = Kysely<Database> | Transaction<Database>;

// The admin's front page: what came in, from whom monthly, and what needs a person's attention.
// Amounts are of gifts that count (succeeded; partially refunded net of the refund), one figure
// per currency, read from the daily totals the contribution triggers keep.

export interface PeriodAmount {
	giftCount: number;
	netMinor: number;
}

export interface PeriodAmounts {
	thisMonth: PeriodAmount;
	yearToDate: PeriodAmount;
	last12Months: PeriodAmount;
}

export interface CurrencyDashboard extends PeriodAmounts {
	currency: string;
	byChannel: (PeriodAmounts & { channel: Channel })[];
	/** Net per month, oldest first, for the months of `Dashboard.months`. */
	monthlyNetMinor: number[];
}

export interface PastDuePlan {
	id: string;
	supporterId: string;
	supporterName: string;
	supporterIsErased: boolean;
	channel: Channel;
	amountMinor: number;
	currency: string;
	lastFailureReason: string | null;
	updatedAt: Date;
}

export interface FailedGift {
	id: string;
	supporterId: string;
	supporterName: string;
	supporterIsErased: boolean;
	channel: Channel;
	amountMinor: number;
	currency: string;
	receivedAt: Date;
}

export interface Dashboard {
	/** Dates (YYYY-MM-DD) in the organisation's time zone. */
	today: string;
	monthStart: string;
	yearStart: string;
	/** The first day of the 12 months shown: this month and the 11 before it. */
	twelveMonthsStart: string;
	/** YYYY-MM of the 12 months, oldest first. */
	months: string[];
	currencies: CurrencyDashboard[];
	monthly: {
		activeSupporters: number;
		byCurrency: { currency: string; planCount: number; amountMinor: number }[];
	};
	newSupportersThisMonth: number;
	attention: {
		pastDueCount: number;
		pastDuePlans: PastDuePlan[];
		/** Failed gifts since this date (30 days back). */
		failedSince: string;
		failedCount: number;
		failedGifts: FailedGift[];
	};
}

const ATTENTION_ROWS = 10;
const FAILED_DAYS = 30;

const emptyPeriods = (): PeriodAmounts => ({
	thisMonth: { giftCount: 0, netMinor: 0 },
	yearToDate: { giftCount: 0, netMinor: 0 },
	last12Months: { giftCount: 0, netMinor: 0 }
});

function addTo(periods: PeriodAmounts, period: keyof PeriodAmounts, count: number, net: number) {
	periods[period].giftCount += count;
	periods[period].netMinor += net;
}

// 202603 for March 2026: cheaper per row than formatting a date.
const monthNumber = sql<number>`(extract(year from day) * 100 + extract(month from day))::integer`;

export async function loadDashboard(db: Db, now = new Date()): Promise<Dashboard> {
	const today = organisationDate(now);
	const thisMonth = monthStart(today);
	const yearStart = `${today.slice(0, 4)}-01-01`;
	const twelveMonthsStart = monthStart(today, -11);
	const months = Array.from({ length: 12 }, (_, i) => monthStart(today, i - 11).slice(0, 7));
	const failedSince = addDays(today, -FAILED_DAYS);
	await foldPastDailyTotals(db, now);

	const [byMonth, plans, activeSupporters, newSupporters, pastDue, failed] = await Promise.all([
		db
			.selectFrom('contribution_daily_total')
			.select([
				'currency',
				'channel',
				monthNumber.as('month'),
				sql<number>`sum(gift_count)::bigint`.as('gift_count'),
				sql<number>`sum(amount_minor - refunded_minor)::bigint`.as('net_minor'),
				sql<number>`coalesce(sum(gift_count) filter (where day >= ${yearStart}::date), 0)::bigint`.as(
					'year_gift_count'
				),
				sql<number>`coalesce(sum(amount_minor - refunded_minor) filter (where day >= ${yearStart}::date), 0)::bigint`.as(
					'year_net_minor'
				)
			])
			.where(sql<SqlBool>`komak_counts(status)`)
			.where(sql<SqlBool>`day between ${twelveMonthsStart}::date and ${today}::date`)
			.groupBy(['currency', 'channel', monthNumber])
			.execute(),
		db
			.selectFrom('recurring_plan')
			.select([
				'currency',
				sql<number>`count(*)::bigint`.as('plan_count'),
				sql<number>`sum(amount_minor)::bigint`.as('amount_minor')
			])
			.where('status', '=', 'active')
			.groupBy('currency')
			.orderBy('currency')
			.execute(),
		db
			.selectFrom('recurring_plan')
			.select(sql<number>`count(distinct supporter_id)::bigint`.as('count'))
			.where('status', '=', 'active')
			.executeTakeFirstOrThrow(),
		db
			.selectFrom('supporter')
			.select(sql<number>`count(*)::bigint`.as('count'))
			.where('created_at', '>=', startOfDay(thisMonth))
			.where('merged_into', 'is', null)
			.executeTakeFirstOrThrow(),
		pastDuePlans(db),
		failedGifts(db, failedSince, today)
	]);

	const currencies = new Map<string, CurrencyDashboard>();
	const monthIndex = new Map(months.map((month, i) => [Number(month.replace('-', '')), i]));
	for (const row of byMonth) {
		if (row.gift_count === 0 && row.net_minor === 0) continue;
		let currency = currencies.get(row.currency);
		if (!currency) {
			currency = {
				currency: row.currency,
				...emptyPeriods(),
				byChannel: [],
				monthlyNetMinor: months.map(() => 0)
			};
			currencies.set(row.currency, currency);
		}
		let channel = currency.byChannel.find((c) => c.channel === row.channel);
		if (!channel) {
			channel = { channel: row.channel, ...emptyPeriods() };
			currency.byChannel.push(channel);
		}
		for (const periods of [currency, channel]) {
			addTo(periods, 'last12Months', row.gift_count, row.net_minor);
			addTo(periods, 'yearToDate', row.year_gift_count, row.year_net_minor);
			if (monthIndex.get(row.month) === 11)
				addTo(periods, 'thisMonth', row.gift_count, row.net_minor);
		}
		currency.monthlyNetMinor[monthIndex.get(row.month)!] += row.net_minor;
	}
	const sorted = [...currencies.values()].sort(
		(a, b) => b.last12Months.netMinor - a.last12Months.netMinor
	);
	for (const currency of sorted)
		currency.byChannel.sort((a, b) => b.last12Months.netMinor - a.last12Months.netMinor);

	return {
		today,
		monthStart: thisMonth,
		yearStart,
		twelveMonthsStart,
		months,
		currencies: sorted,
		monthly: {
			activeSupporters: activeSupporters.count,
			byCurrency: plans.map((plan) => ({
				currency: plan.currency,
				planCount: plan.plan_count,
				amountMinor: plan.amount_minor
			}))
		},
		newSupportersThisMonth: newSupporters.count,
		attention: { ...pastDue, failedSince, ...failed }
	};
}

async function pastDuePlans(db: Db) {
	const latest = db
		.selectFrom('recurring_plan')
		.selectAll()
		.where('status', '=', 'past_due')
		.orderBy('updated_at', 'desc')
		.orderBy('id')
		.limit(ATTENTION_ROWS)
		.as('p');
	const [rows, total] = await Promise.all([
		db
			.selectFrom(latest)
			.innerJoin('supporter as s', 's.id', 'p.supporter_id')
			.select([
				'p.id',
				'p.supporter_id',
				's.name',
				sql<boolean>`s.erased_at is not null`.as('is_erased'),
				'p.channel',
				'p.amount_minor',
				'p.currency',
				'p.last_failure_reason',
				'p.updated_at'
			])
			.orderBy('p.updated_at', 'desc')
			.orderBy('p.id')
			.execute(),
		db
			.selectFrom('recurring_plan')
			.select(sql<number>`count(*)::bigint`.as('count'))
			.where('status', '=', 'past_due')
			.executeTakeFirstOrThrow()
	]);
	return {
		pastDueCount: total.count,
		pastDuePlans: rows.map((row) => ({
			id: row.id,
			supporterId: row.supporter_id,
			supporterName: row.name,
			supporterIsErased: row.is_erased,
			channel: row.channel,
			amountMinor: row.amount_minor,
			currency: row.currency,
			lastFailureReason: row.last_failure_reason,
			updatedAt: row.updated_at
		}))
	};
}

async function failedGifts(db: Db, since: string, today: string) {
	const [rows, total] = await Promise.all([
		db
			.selectFrom('contribution as c')
			.innerJoin('supporter as s', 's.id', 'c.supporter_id')
			.select([
				'c.id',
				'c.supporter_id',
				's.name',
				sql<boolean>`s.erased_at is not null`.as('is_erased'),
				'c.channel',
				'c.amount_minor',
				'c.currency',
				'c.received_at'
			])
			.where('c.status', '=', 'failed')
			.where('c.received_at', '>=', startOfDay(since))
			.orderBy('c.received_at', 'desc')
			.orderBy('c.id', 'desc')
			.limit(ATTENTION_ROWS)
			.execute(),
		db
			.selectFrom('contribution_daily_total')
			.select(sql<number>`coalesce(sum(gift_count), 0)::bigint`.as('count'))
			.where('status', '=', 'failed')
			.where(sql<SqlBool>`day between ${since}::date and ${today}::date`)
			.executeTakeFirstOrThrow()
	]);
	return {
		failedCount: total.count,
		failedGifts: rows.map((row) => ({
			id: row.id,
			supporterId: row.supporter_id,
			supporterName: row.name,
			supporterIsErased: row.is_erased,
			channel: row.channel,
			amountMinor: row.amount_minor,
			currency: row.currency,
			receivedAt: row.received_at
		}))
	};
}
