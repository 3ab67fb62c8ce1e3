import { sql, type Kysely } from 'kysely';

// Vipps's webhook now only stores a verified event and answers; a worker in every instance
// applies what is stored (asking Vipps for the payment or agreement as it is now). `apply_after`
// is when an event may next be taken: now for a new one, a minute on while an instance is
// applying it (so another instance takes it only if that one died), later after a failure.
export async function up(db: Kysely<any>): Promise<void> {
	await db.schema
		.alterTable('vipps_event')
		.addColumn('apply_after', 'timestamptz', (col) => col.notNull().defaultTo(sql`now()`))
		.execute();
	await sql`create index vipps_event_waiting_idx on vipps_event (apply_after) where status <> 'processed'`.execute(
		db
	);
}

export async function down(db: Kysely<any>): Promise<void> {
	await sql`drop index if exists vipps_event_waiting_idx`.execute(db);
	await db.schema.alterTable('vipps_event').dropColumn('apply_after').execute();
}
