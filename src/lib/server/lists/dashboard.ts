import { sql, type ExpressionBuilder, type Kysely, type SqlBool, type Transaction } from 'kysely';
import type { Channel } from '../../giving/vocabulary.ts';
import { addDays, monthStart, startOfDay } from '../organisation/calendar.ts';
import { organisationDay } from '../../dates.ts';
import { foldPastDailyTotals } from './contributions.ts';
import type { Database } from '../db/schema.ts';

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
	/** Stripe's decline code (see decline-reasons.ts for it in words). */
	lastFailureReason: string | null;
	/** Its first failed payment since it was last paid; its last change when none is recorded. */
	failingSince: Date;
}

export interface FailedPayment {
	id: string;
	supporterId: string;
	supporterName: string;
	supporterIsErased: boolean;
	amountMinor: number;
	currency: string;
	receivedAt: Date;
	/** The plan's decline code, while it has one. */
	failureReason: string | null;
}

/** How many, and how much, in one currency: currencies are never added together. */
export interface FailedProviderEvent {
	id: string;
	provider: 'stripe' | 'vipps';
	type: string;
	createdAt: Date;
	attempts: number;
	lastError: string | null;
}

export interface CurrencyCount {
	currency: string;
	count: number;
	amountMinor: number;
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
		/** Past-due plans per currency, with what they would give a month. */
		pastDueByCurrency: CurrencyCount[];
		pastDuePlans: PastDuePlan[];
		/** Failed monthly payments since this date (30 days back). */
		failedSince: string;
		failedCount: number;
		failedByCurrency: CurrencyCount[];
		failedPayments: FailedPayment[];
		failedEventCount: number;
		failedEvents: FailedProviderEvent[];
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
	const today = organisationDay(now);
	const thisMonth = monthStart(today);
	const yearStart = `${today.slice(0, 4)}-01-01`;
	const twelveMonthsStart = monthStart(today, -11);
	const months = Array.from({ length: 12 }, (_, i) => monthStart(today, i - 11).slice(0, 7));
	const failedSince = addDays(today, -FAILED_DAYS);
	await foldPastDailyTotals(db, now);

	const [byMonth, plans, activeSupporters, newSupporters, pastDue, failed, events] =
		await Promise.all([
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
			failedPayments(db, failedSince, today),
			failedProviderEvents(db)
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
		attention: { ...pastDue, failedSince, ...failed, ...events }
	};
}

/** A Vipps event still not applied this long after it came has stuck, whatever its status. */
const STUCK_MINUTES = 5;

/**
 * Payment provider events that could not be handled, each possibly a gift or a plan change not
 * yet recorded. Stripe keeps delivering its own and `npm run stripe:sync` retries them; a Vipps
 * event is stored first and tried again by the event worker (`npm run vipps:sync` at once), so
 * one that failed, or has waited minutes without being applied, is shown too.
 */
async function failedProviderEvents(db: Db) {
	const isVippsUnapplied = (eb: ExpressionBuilder<Database, 'vipps_event'>) =>
		eb.or([
			eb('status', '=', 'failed'),
			eb.and([
				eb('status', '=', 'received'),
				eb('received_at', '<', sql<Date>`now() - make_interval(mins => ${STUCK_MINUTES})`)
			])
		]);
	const [stripeRows, stripeTotal, vippsRows, vippsTotal] = await Promise.all([
		db
			.selectFrom('stripe_event')
			.select(['id', 'type', 'stripe_created_at as created_at', 'attempts', 'last_error'])
			.where('status', '=', 'failed')
			.orderBy('stripe_created_at', 'desc')
			.limit(ATTENTION_ROWS)
			.execute(),
		db
			.selectFrom('stripe_event')
			.select(sql<number>`count(*)::bigint`.as('count'))
			.where('status', '=', 'failed')
			.executeTakeFirstOrThrow(),
		db
			.selectFrom('vipps_event')
			.select(['id', 'name as type', 'vipps_timestamp as created_at', 'attempts', 'last_error'])
			.where(isVippsUnapplied)
			.orderBy('vipps_timestamp', 'desc')
			.limit(ATTENTION_ROWS)
			.execute(),
		db
			.selectFrom('vipps_event')
			.select(sql<number>`count(*)::bigint`.as('count'))
			.where(isVippsUnapplied)
			.executeTakeFirstOrThrow()
	]);
	const rows = [
		...stripeRows.map((row) => ({ ...row, provider: 'stripe' as const })),
		...vippsRows.map((row) => ({ ...row, provider: 'vipps' as const }))
	]
		.sort((a, b) => b.created_at.getTime() - a.created_at.getTime())
		.slice(0, ATTENTION_ROWS);
	return {
		failedEventCount: Number(stripeTotal.count) + Number(vippsTotal.count),
		failedEvents: rows.map((row) => ({
			id: row.id,
			provider: row.provider,
			type: row.type,
			createdAt: row.created_at,
			attempts: row.attempts,
			lastError: row.last_error
		}))
	};
}

const countOf = (rows: CurrencyCount[]) => rows.reduce((sum, row) => sum + row.count, 0);

// When a plan started failing: its first failed payment after its last paid one. A plan has a
// payment a month, found through contribution_plan_idx, and this runs for ten plans at most.
const failingSince = sql<Date | null>`(
	select min(c.received_at) from contribution c
	where c.recurring_plan_id = p.id and c.status = 'failed'
		and c.received_at >= coalesce((
			select max(paid.received_at) from contribution paid
			where paid.recurring_plan_id = p.id
				and paid.status not in ('failed', 'pending', 'voided')
		), '-infinity'::timestamptz)
)`;

async function pastDuePlans(db: Db) {
	const latest = db
		.selectFrom('recurring_plan')
		.selectAll()
		.where('status', '=', 'past_due')
		.orderBy('updated_at', 'desc')
		.orderBy('id')
		.limit(ATTENTION_ROWS)
		.as('p');
	const [rows, byCurrency] = await Promise.all([
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
				'p.updated_at',
				failingSince.as('failing_since')
			])
			.orderBy('p.updated_at', 'desc')
			.orderBy('p.id')
			.execute(),
		db
			.selectFrom('recurring_plan')
			.select([
				'currency',
				sql<number>`count(*)::bigint`.as('count'),
				sql<number>`sum(amount_minor)::bigint`.as('amountMinor')
			])
			.where('status', '=', 'past_due')
			.groupBy('currency')
			.orderBy('currency')
			.execute()
	]);
	return {
		pastDueCount: countOf(byCurrency),
		pastDueByCurrency: byCurrency,
		pastDuePlans: rows.map((row) => ({
			id: row.id,
			supporterId: row.supporter_id,
			supporterName: row.name,
			supporterIsErased: row.is_erased,
			channel: row.channel,
			amountMinor: row.amount_minor,
			currency: row.currency,
			lastFailureReason: row.last_failure_reason,
			failingSince: row.failing_since ?? row.updated_at
		}))
	};
}

/** Monthly payments that failed and were not paid on a later try. */
async function failedPayments(db: Db, since: string, today: string) {
	const [rows, byCurrency] = await Promise.all([
		db
			.selectFrom('contribution as c')
			.innerJoin('supporter as s', 's.id', 'c.supporter_id')
			.leftJoin('recurring_plan as p', 'p.id', 'c.recurring_plan_id')
			.select([
				'c.id',
				'c.supporter_id',
				's.name',
				sql<boolean>`s.erased_at is not null`.as('is_erased'),
				'c.amount_minor',
				'c.currency',
				'c.received_at',
				'p.last_failure_reason'
			])
			.where('c.status', '=', 'failed')
			.where('c.kind', '=', 'monthly')
			.where('c.received_at', '>=', startOfDay(since))
			.orderBy('c.received_at', 'desc')
			.orderBy('c.id', 'desc')
			.limit(ATTENTION_ROWS)
			.execute(),
		db
			.selectFrom('contribution_daily_total')
			.select([
				'currency',
				sql<number>`sum(gift_count)::bigint`.as('count'),
				sql<number>`sum(amount_minor)::bigint`.as('amountMinor')
			])
			.where('status', '=', 'failed')
			.where('kind', '=', 'monthly')
			.where(sql<SqlBool>`day between ${since}::date and ${today}::date`)
			.groupBy('currency')
			.having(sql<SqlBool>`sum(gift_count) > 0`)
			.orderBy('currency')
			.execute()
	]);
	return {
		failedCount: countOf(byCurrency),
		failedByCurrency: byCurrency,
		failedPayments: rows.map((row) => ({
			id: row.id,
			supporterId: row.supporter_id,
			supporterName: row.name,
			supporterIsErased: row.is_erased,
			amountMinor: row.amount_minor,
			currency: row.currency,
			receivedAt: row.received_at,
			failureReason: row.last_failure_reason
		}))
	};
}
