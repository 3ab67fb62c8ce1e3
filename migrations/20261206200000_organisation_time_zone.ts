import { sql, type Kysely } from 'kysely';

// The organisation's time zone becomes a setting (it was Europe/Oslo, written into the code and
// into the summary triggers). The triggers that count gifts per day now ask komak_time_zone(),
// and saving another zone rebuilds the daily totals (src/lib/server/organisation/settings.ts).
const summaryFunctions = [
	'komak_contribution_inserted',
	'komak_contribution_updated',
	'komak_contribution_deleted',
	'komak_rebuild_giving_summaries'
];

async function pointFunctions(db: Kysely<any>, from: string, to: string): Promise<void> {
	// Each function is rewritten from its own stored definition, so nothing else in it changes.
	await sql`
		do $$
		declare definition text;
		begin
			for definition in
				select pg_get_functiondef(p.oid) from pg_proc p
				where p.proname in (${sql.join(summaryFunctions.map((name) => sql.lit(name)))})
			loop
				execute replace(definition, ${sql.lit(from)}, ${sql.lit(to)});
			end loop;
		end $$`.execute(db);
}

export async function up(db: Kysely<any>): Promise<void> {
	await db.schema
		.alterTable('organisation')
		.addColumn('time_zone', 'text', (col) => col.notNull().defaultTo('Europe/Oslo'))
		.execute();
	await sql`
		create function komak_time_zone() returns text
		language sql stable parallel safe
		as $$ select coalesce((select time_zone from organisation where id = 1), 'Europe/Oslo') $$`.execute(
		db
	);
	await pointFunctions(db, "'Europe/Oslo'", 'komak_time_zone()');
}

export async function down(db: Kysely<any>): Promise<void> {
	await pointFunctions(db, 'komak_time_zone()', "'Europe/Oslo'");
	await sql`drop function if exists komak_time_zone()`.execute(db);
	await db.schema.alterTable('organisation').dropColumn('time_zone').execute();
}
