import { sql, type Kysely } from 'kysely';
import type { Database } from '../src/lib/server/db/schema.ts';
import { afghanFirst, afghanLast, norwegianFirst, norwegianLast } from '../scripts/sample-names.ts';

// Set-based seeding for bench/admin.ts: 100,000 supporters and 1,000,000 contributions in a few
// statements (generate_series), through the same triggers the app's writes go through.

const firstNames = [...afghanFirst, ...norwegianFirst];
const lastNames = [...afghanLast, ...norwegianLast];
const domains = [
	'gmail.com',
	'gmail.com',
	'hotmail.com',
	'outlook.com',
	'online.no',
	'yahoo.com',
	'live.no',
	'icloud.com'
];

const textArray = (values: string[]) => sql`array[${sql.join(values)}]::text[]`;

export async function seedSupporters(db: Kysely<Database>, count: number): Promise<void> {
	// Names, emails and phones from the supporter's number; references (KIDs) for a quarter.
	await sql`
		insert into supporter (name, email, phone, reference, country, preferred_locale,
			has_contact_consent, contact_consent_at, tags, created_at)
		select
			f.first || ' ' || l.last,
			lower(translate(f.first, 'ØÅÆøåæ', 'OAAoaa')) || '.' || lower(translate(l.last, 'ØÅÆøåæ', 'OAAoaa'))
				|| i || '@' || (${textArray(domains)})[1 + (i * 7) % ${domains.length}],
			case when i % 3 <> 0 then '+47' || (40000000 + (i * 7919) % 59999999)::text end,
			case when i % 4 = 0 then (1000000 + i)::text end,
			case when i % 5 = 0 then 'AF' else 'NO' end,
			(array['nb', 'en', 'ps', 'fa-AF'])[1 + i % 4],
			i % 2 = 0,
			case when i % 2 = 0 then now() - (i % 900) * interval '1 day' end,
			case i % 10 when 0 then array['newsletter'] when 1 then array['newsletter', 'major-donor']
				when 2 then array['board'] else '{}'::text[] end,
			now() - (i % 1095) * interval '1 day' - (i % 86400) * interval '1 second'
		from generate_series(1, ${count}::int) as i
		cross join lateral (select (${textArray(firstNames)})[1 + (i * 31) % ${firstNames.length}] as first) f
		cross join lateral (select (${textArray(lastNames)})[1 + (i * 17 + i / 7) % ${lastNames.length}] as last) l
	`.execute(db);
	await sql`create table bench_supporter as select row_number() over (order by created_at, id) as n, id from supporter`.execute(
		db
	);
	await sql`create unique index on bench_supporter (n)`.execute(db);
}

/**
 * Contributions `from`..`to` of `total`, over the last 18 months in the order they were received
 * (as the app records gifts, so the table's physical order follows time): 90 % NOK, mostly
 * succeeded, some monthly; a few supporters give often and many rarely.
 */
export async function seedContributions(
	db: Kysely<Database>,
	{
		from,
		to,
		total,
		supporterCount
	}: { from: number; to: number; total: number; supporterCount: number }
): Promise<void> {
	await sql`
		insert into contribution (supporter_id, channel, kind, amount_minor, currency, status,
			refunded_minor, received_at, external_reference, void_reason)
		select b.id, r.channel, r.kind, r.amount, r.currency, r.status,
			case r.status when 'refunded' then r.amount when 'partially_refunded' then r.amount / 2 else 0 end,
			now() - interval '548 days' + (i - r.age) * (interval '548 days' / ${total}::int),
			'bench-' || i,
			case when r.status = 'voided' then 'Entered twice' end
		from generate_series(${from}::int, ${to}::int) as i
		cross join lateral (
			select
				case when x.c < 0.45 then 'card' when x.c < 0.7 then 'vipps'
					when x.c < 0.93 then 'bank_transfer' when x.c < 0.98 then 'cash' else 'other' end as channel,
				case when x.k < 0.35 then 'monthly' else 'one_off' end as kind,
				case when x.m < 0.9 then 'NOK' when x.m < 0.97 then 'EUR' else 'USD' end as currency,
				case when x.m < 0.9
					then (array[10000, 15000, 20000, 25000, 30000, 50000, 100000, 250000])[1 + floor(x.a * 8)::int]
					else (array[1000, 1500, 2000, 2500, 5000, 10000])[1 + floor(x.a * 6)::int] end as amount,
				case when x.s < 0.955 then 'succeeded' when x.s < 0.97 then 'failed'
					when x.s < 0.975 then 'pending' when x.s < 0.985 then 'refunded'
					when x.s < 0.99 then 'partially_refunded' when x.s < 0.995 then 'disputed'
					else 'voided' end as status,
				x.age,

				1 + least(${supporterCount - 1}::int, floor(${supporterCount}::int * power(x.p, 1.6))::int) as n
			from (select random() as c, random() as k, random() as m, random() as a, random() as s,
				random() as age, random() as p, i as seed) x
		) r
		join bench_supporter b on b.n = r.n
	`.execute(db);
}

export async function seedPlans(db: Kysely<Database>, supporterCount: number): Promise<void> {
	await sql`
		insert into recurring_plan (supporter_id, channel, amount_minor, currency, status, external_id,
			started_at, canceled_at, last_failure_reason)
		select b.id,
			case when b.n % 3 = 0 then 'vipps' else 'card' end,
			case when b.n % 10 = 0 then 1500 else (array[10000, 20000, 30000, 50000])[1 + b.n % 4] end,
			case when b.n % 10 = 0 then 'EUR' else 'NOK' end,
			case when b.n % 20 = 0 then 'past_due' when b.n % 7 = 0 then 'canceled' else 'active' end,
			'bench_sub_' || b.n,
			now() - (b.n % 500) * interval '1 day',
			case when b.n % 20 <> 0 and b.n % 7 = 0 then now() - (b.n % 30) * interval '1 day' end,
			case when b.n % 20 = 0 then 'Your card was declined.' end
		from bench_supporter b
		where b.n % 12 = 0 and b.n <= ${supporterCount}::int
	`.execute(db);
}

/**
 * Spreads today's and yesterday's totals over all eight shards (amounts split, remainders on the
 * first), as many connections writing gifts at once leave them; readers fold earlier days.
 */
export async function spreadRecentDailyTotals(db: Kysely<Database>): Promise<void> {
	const recent = sql`day >= (now() at time zone 'Europe/Oslo')::date - 1`;
	await sql`
		create temporary table spread as
		select d.day, d.currency, d.channel, d.kind, d.status, s.shard,
			d.gift_count / 8 + case when s.shard = 0 then d.gift_count % 8 else 0 end as gift_count,
			d.amount_minor / 8 + case when s.shard = 0 then d.amount_minor % 8 else 0 end as amount_minor,
			d.refunded_minor / 8 + case when s.shard = 0 then d.refunded_minor % 8 else 0 end as refunded_minor
		from (select day, currency, channel, kind, status, sum(gift_count) gift_count,
				sum(amount_minor) amount_minor, sum(refunded_minor) refunded_minor
			from contribution_daily_total where ${recent} group by 1, 2, 3, 4, 5) d
		cross join generate_series(0, 7) as s(shard)`.execute(db);
	await sql`delete from contribution_daily_total where ${recent}`.execute(db);
	await sql`insert into contribution_daily_total select * from spread`.execute(db);
	await sql`drop table spread`.execute(db);
}
