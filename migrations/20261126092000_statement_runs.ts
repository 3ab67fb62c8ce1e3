import { sql, type Kysely } from 'kysely';

// Bulk sending of year-end statements. A run walks the supporters who gave in its year in id
// order and remembers the last one it queued a message for, in the same transaction as the
// messages, so an interrupted run carries on where it stopped; the mail queue's dedupe key
// (`statement:<year>:<supporter id>`) makes sure nobody gets a second copy even from a new run.
export async function up(db: Kysely<any>): Promise<void> {
	await db.schema
		.createTable('statement_run')
		.addColumn('id', 'uuid', (col) => col.primaryKey().defaultTo(sql`gen_random_uuid()`))
		.addColumn('year', 'integer', (col) => col.notNull().check(sql`year between 2000 and 2100`))
		.addColumn('status', 'text', (col) =>
			col
				.notNull()
				.defaultTo('running')
				.check(sql`status in ('running', 'finished')`)
		)
		// Supporters to send to, counted when the run started.
		.addColumn('total', 'integer', (col) => col.notNull().defaultTo(0))
		// Supporters gone through so far, and how many of them got a new message (the others
		// already had this year's statement in the queue).
		.addColumn('processed', 'integer', (col) => col.notNull().defaultTo(0))
		.addColumn('queued', 'integer', (col) => col.notNull().defaultTo(0))
		.addColumn('last_supporter_id', 'uuid')
		.addColumn('started_by', 'uuid', (col) => col.references('staff_user.id').onDelete('set null'))
		.addColumn('created_at', 'timestamptz', (col) => col.notNull().defaultTo(sql`now()`))
		.addColumn('updated_at', 'timestamptz', (col) => col.notNull().defaultTo(sql`now()`))
		.addColumn('finished_at', 'timestamptz')
		.execute();
	// One run at a time per year.
	await sql`create unique index statement_run_running_key on statement_run (year)
		where status = 'running'`.execute(db);
	await sql`create index statement_run_created_idx on statement_run (created_at desc)`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
	await db.schema.dropTable('statement_run').execute();
}
