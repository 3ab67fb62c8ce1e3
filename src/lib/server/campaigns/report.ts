import { sql, type Kysely, type SqlBool, type Transaction } from 'kysely';
import type { Database } from '../db/schema.ts';

type Db = Kysely<Database> | Transaction<Database>;

// Which campaign, link or article raised the money: gifts that count (succeeded, partly refunded
// net) per source and currency, one-off and monthly apart, and what the monthly gifts those
// sources started keep bringing in each month. Currencies are never added together.

export const reportGroupings = ['campaign', 'source_page', 'utm_source', 'utm_campaign'] as const;
export type ReportGrouping = (typeof reportGroupings)[number];

export interface SourceReportLine {
	/** The campaign's id, the page's address, or the utm value. */
	key: string;
	/** What the report shows for the key: a campaign's name, else the key itself. */
	label: string;
	currency: string;
	giftCount: number;
	oneOffCount: number;
	monthlyCount: number;
	amountMinor: number;
	/** The monthly plans still running from this source: their amount each month. */
	activeMonthlyCount: number;
	activeMonthlyMinor: number;
}

const column = (grouping: ReportGrouping, table: string) =>
	sql.ref(`${table}.${grouping === 'campaign' ? 'campaign_id' : grouping}`);

export async function sourceReport(
	db: Db,
	grouping: ReportGrouping,
	{ campaignId }: { campaignId?: string | null } = {}
): Promise<SourceReportLine[]> {
	const ofCampaign = (table: string) =>
		campaignId
			? sql<SqlBool>`${sql.ref(`${table}.campaign_id`)} = ${campaignId}::uuid`
			: sql<SqlBool>`true`;
	const [gifts, plans, campaigns] = await Promise.all([
		db
			.selectFrom('contribution as c')
			.select([
				sql<string>`${column(grouping, 'c')}::text`.as('key'),
				'c.currency',
				sql<number>`count(*)::int`.as('gift_count'),
				sql<number>`(count(*) filter (where c.kind = 'one_off'))::int`.as('one_off_count'),
				sql<number>`(count(*) filter (where c.kind = 'monthly'))::int`.as('monthly_count'),
				sql<number>`sum(c.amount_minor - c.refunded_minor)::bigint`.as('amount_minor')
			])
			.where(sql<SqlBool>`komak_counts(c.status)`)
			.where(sql<SqlBool>`${column(grouping, 'c')} is not null`)
			.where(ofCampaign('c'))
			.groupBy([sql`1`, 'c.currency'])
			.execute(),
		db
			.selectFrom('recurring_plan as p')
			.select([
				sql<string>`${column(grouping, 'p')}::text`.as('key'),
				'p.currency',
				sql<number>`count(*)::int`.as('plan_count'),
				sql<number>`sum(p.amount_minor)::bigint`.as('monthly_minor')
			])
			.where('p.status', 'in', ['active', 'past_due'])
			.where(sql<SqlBool>`${column(grouping, 'p')} is not null`)
			.where(ofCampaign('p'))
			.groupBy([sql`1`, 'p.currency'])
			.execute(),
		grouping === 'campaign'
			? db.selectFrom('campaign').select(['id', 'name']).execute()
			: Promise.resolve([])
	]);
	const lines = new Map<string, SourceReportLine>();
	const lineOf = (key: string, currency: string) => {
		const id = `${key}\n${currency}`;
		let line = lines.get(id);
		if (!line) {
			line = {
				key,
				label: campaigns.find((c) => c.id === key)?.name ?? key,
				currency,
				giftCount: 0,
				oneOffCount: 0,
				monthlyCount: 0,
				amountMinor: 0,
				activeMonthlyCount: 0,
				activeMonthlyMinor: 0
			};
			lines.set(id, line);
		}
		return line;
	};
	for (const row of gifts)
		Object.assign(lineOf(row.key, row.currency), {
			giftCount: Number(row.gift_count),
			oneOffCount: Number(row.one_off_count),
			monthlyCount: Number(row.monthly_count),
			amountMinor: Number(row.amount_minor)
		});
	for (const row of plans)
		Object.assign(lineOf(row.key, row.currency), {
			activeMonthlyCount: Number(row.plan_count),
			activeMonthlyMinor: Number(row.monthly_minor)
		});
	return [...lines.values()].sort(
		(a, b) => a.label.localeCompare(b.label) || a.currency.localeCompare(b.currency)
	);
}
