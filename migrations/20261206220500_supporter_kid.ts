import { sql, type Kysely } from 'kysely';

// Every supporter gets a personal KID (src/lib/supporters/kid.ts): seven digits from a sequence
// that never goes back, then their MOD10 (Luhn) check digit. The column's default hands it out, so
// every path that creates a supporter — checkout, webhooks, imports, the gift form — gets one in
// the same statement; existing supporters get theirs here, oldest first.
//
// The search text gains the KID and the phone's digits alone, so "412 34 567" and "+47 41234567"
// find the same supporter (src/lib/server/supporters/search.ts writes the same expression).

export async function up(db: Kysely<any>): Promise<void> {
	await sql`create sequence supporter_kid_seq as bigint minvalue 1000000 maxvalue 9999999 start 1000000`.execute(
		db
	);
	await sql`
		create function komak_mod10_check_digit(digits text) returns integer
		language sql immutable parallel safe
		as $$
			select (10 - (sum(
				case when (length(digits) - position) % 2 = 0
					then case when substr(digits, position, 1)::int * 2 > 9
						then substr(digits, position, 1)::int * 2 - 9
						else substr(digits, position, 1)::int * 2 end
					else substr(digits, position, 1)::int end
			) % 10)::int) % 10
			from generate_series(1, length(digits)) as position
		$$`.execute(db);
	await sql`
		create function komak_next_supporter_kid() returns text
		language sql volatile
		as $$
			select number || komak_mod10_check_digit(number)
			from (select nextval('supporter_kid_seq')::text as number) as next
		$$`.execute(db);
	await db.schema.alterTable('supporter').addColumn('kid', 'text').execute();
	await sql`
		update supporter set kid = numbered.kid
		from (
			select id, komak_next_supporter_kid() as kid
			from (select id from supporter order by created_at, id) as ordered
		) as numbered
		where supporter.id = numbered.id`.execute(db);
	await sql`alter table supporter alter column kid set default komak_next_supporter_kid()`.execute(
		db
	);
	await sql`alter table supporter alter column kid set not null`.execute(db);
	await sql`create unique index supporter_kid_key on supporter (kid)`.execute(db);

	await sql`drop index supporter_search_trgm_idx`.execute(db);
	await sql`create index supporter_search_trgm_idx on supporter using gin ((lower(coalesce(name, '') || ' ' || coalesce(email, '') || ' ' || coalesce(phone, '') || ' ' || coalesce(reference, '') || ' ' || kid || ' ' || regexp_replace(coalesce(phone, ''), '[^0-9]', '', 'g'))) gin_trgm_ops)`.execute(
		db
	);
}

export async function down(db: Kysely<any>): Promise<void> {
	await sql`drop index supporter_search_trgm_idx`.execute(db);
	await sql`create index supporter_search_trgm_idx on supporter using gin ((lower(coalesce(name, '') || ' ' || coalesce(email, '') || ' ' || coalesce(phone, '') || ' ' || coalesce(reference, ''))) gin_trgm_ops)`.execute(
		db
	);
	await db.schema.alterTable('supporter').dropColumn('kid').execute();
	await sql`drop function komak_next_supporter_kid()`.execute(db);
	await sql`drop function komak_mod10_check_digit(text)`.execute(db);
	await sql`drop sequence supporter_kid_seq`.execute(db);
}
