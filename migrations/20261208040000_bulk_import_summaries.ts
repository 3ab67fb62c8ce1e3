import { sql, type Kysely } from 'kysely';

// A bank statement of 10,000 new payers inserts 10,000 supporters and 10,000 gifts. Three costs
// per row dominated that (measured on PostgreSQL 15, per thousand rows): the KID default, a SQL
// function the executor planned again on every call (350 ms); the supporter insert trigger
// (300 ms); the gift insert trigger, three upserts a row (390 ms).
//
// - komak_next_supporter_kid() becomes PL/pgSQL, whose plan is kept: the same KIDs, in a fifth
//   of the time, for every path that creates a supporter.
// - The two row triggers step aside while the transaction-local setting
//   komak.summaries_by_statement is 'on'. Only the bulk writers set it (createImportedSupporters,
//   recordNewGifts), around their own inserts, and then bring the summaries up to date for the
//   rows they inserted with one statement per table: komak_open_supporter_summaries(ids) and
//   komak_count_new_gifts(ids) do what the row triggers would have done, set-based.
//   Gifts recorded one at a time (the webhooks, the gift form) keep the row trigger.

const guard = `begin
			if current_setting('komak.summaries_by_statement', true) = 'on' then return null; end if;`;
const guardedFunctions = ['komak_contribution_inserted', 'komak_supporter_inserted'];

/** Rewrites each row trigger function from its own stored definition, so nothing else changes. */
async function rewriteTriggerFunctions(db: Kysely<any>, pattern: string, replacement: string) {
	await sql`
		do $$
		declare definition text;
		begin
			for definition in
				select pg_get_functiondef(p.oid) from pg_proc p
				where p.proname in (${sql.join(guardedFunctions.map((name) => sql.lit(name)))})
			loop
				execute regexp_replace(definition, ${sql.lit(pattern)}, ${sql.lit(replacement)});
			end loop;
		end $$`.execute(db);
}

export async function up(db: Kysely<any>): Promise<void> {
	await sql`
		create or replace function komak_next_supporter_kid() returns text
		language plpgsql volatile
		as $$
		declare number text := nextval('supporter_kid_seq')::text;
		begin
			return number || komak_mod10_check_digit(number);
		end $$`.execute(db);

	// The first "begin" of each body is its block's: the guard goes right after it.
	await rewriteTriggerFunctions(db, '\\mbegin\\M', guard);

	await sql`
		create function komak_open_supporter_summaries(ids uuid[]) returns void
		language sql
		as $$
			insert into supporter_giving (supporter_id)
			select id from unnest(ids) as new(id) order by 1
			on conflict (supporter_id) do nothing;
			insert into supporter_total (supporter_id, currency)
			select new.id, c.currency from unnest(ids) as new(id) cross join currency_setting c
			order by 1, 2
			on conflict (supporter_id, currency) do nothing;
		$$`.execute(db);

	await sql`
		create function komak_count_new_gifts(ids uuid[]) returns void
		language plpgsql
		as $$
		begin
			insert into contribution_daily_total as d
				(day, currency, channel, kind, status, shard, gift_count, amount_minor, refunded_minor)
			select (received_at at time zone komak_time_zone())::date, currency, channel, kind, status,
				pg_backend_pid() % 8, count(*), sum(amount_minor), sum(refunded_minor)
			from contribution where id = any(ids)
			group by 1, 2, 3, 4, 5 order by 1, 2, 3, 4, 5
			on conflict (day, currency, channel, kind, status, shard) do update set
				gift_count = d.gift_count + excluded.gift_count,
				amount_minor = d.amount_minor + excluded.amount_minor,
				refunded_minor = d.refunded_minor + excluded.refunded_minor;

			insert into supporter_total as t (supporter_id, currency, total_minor, gift_count)
			select supporter_id, currency, sum(amount_minor - refunded_minor), count(*)
			from contribution where id = any(ids) and komak_counts(status)
			group by 1, 2 order by 1, 2
			on conflict (supporter_id, currency) do update set
				total_minor = t.total_minor + excluded.total_minor,
				gift_count = t.gift_count + excluded.gift_count;

			insert into supporter_giving as g (supporter_id, last_gift_at, gift_count, channels)
			select supporter_id, max(received_at), count(*),
				array_agg(distinct channel order by channel)
			from contribution where id = any(ids) and komak_counts(status)
			group by 1 order by 1
			on conflict (supporter_id) do update set
				last_gift_at = greatest(g.last_gift_at, excluded.last_gift_at),
				gift_count = g.gift_count + excluded.gift_count,
				channels = array(select distinct unnest(g.channels || excluded.channels) order by 1);
		end $$`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
	await sql`drop function if exists komak_count_new_gifts(uuid[])`.execute(db);
	await sql`drop function if exists komak_open_supporter_summaries(uuid[])`.execute(db);
	await rewriteTriggerFunctions(
		db,
		guard.replace(/[.*+?^${}()|[\]\\]/g, '\\$&').replace(/\s+/g, '\\s+'),
		'begin'
	);
	await sql`
		create or replace function komak_next_supporter_kid() returns text
		language sql volatile
		as $$
			select number || komak_mod10_check_digit(number)
			from (select nextval('supporter_kid_seq')::text as number) as next
		$$`.execute(db);
}
