import { sql, type Kysely } from 'kysely';

// An import looks up, for each payer nobody has by name, the supporters whose names come closest.
// The search index (a GIN of every searchable field) answers that by checking every supporter who
// shares a few letter triples with the name: a quarter of a second per name among 20,000 people
// of common names. A GiST index of the names answers "the ten closest" directly, nearest first.

export async function up(db: Kysely<any>): Promise<void> {
	await sql`create index supporter_name_trgm_gist on supporter using gist (lower(name) gist_trgm_ops)`.execute(
		db
	);
}

export async function down(db: Kysely<any>): Promise<void> {
	await sql`drop index supporter_name_trgm_gist`.execute(db);
}
