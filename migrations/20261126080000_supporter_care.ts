import { sql, type Kysely } from 'kysely';

// Supporter care, the shared part: the mail queue (which is also the outbox staff read when no
// mail server is set), receipt numbers, and the Norwegian tax-deduction details. The self-service
// sign-in and the statement runs have migrations of their own.
export async function up(db: Kysely<any>): Promise<void> {
	await db.schema
		.createTable('email_message')
		.addColumn('id', 'uuid', (col) => col.primaryKey().defaultTo(sql`gen_random_uuid()`))
		// What the message is (receipt, sign_in_link, payment_failed, statement…), for staff and tests.
		.addColumn('kind', 'text', (col) => col.notNull())
		.addColumn('to_address', 'text', (col) => col.notNull().check(sql`to_address like '%_@_%'`))
		.addColumn('supporter_id', 'uuid', (col) => col.references('supporter.id').onDelete('set null'))
		.addColumn('locale', 'text', (col) => col.notNull().defaultTo('en'))
		.addColumn('subject', 'text', (col) => col.notNull())
		.addColumn('text_body', 'text', (col) => col.notNull())
		.addColumn('html_body', 'text', (col) => col.notNull())
		// Files made when the message is sent, named by what they show, e.g.
		// [{"type": "receipt", "contributionId": "…"}]: the queue holds no PDFs.
		.addColumn('attachments', 'jsonb', (col) => col.notNull().defaultTo(sql`'[]'::jsonb`))
		// At most one message per key (e.g. `receipt:<contribution id>`), so a replayed webhook or a
		// resumed bulk send never queues a second copy.
		.addColumn('dedupe_key', 'text', (col) => col.unique())
		.addColumn('status', 'text', (col) =>
			col
				.notNull()
				.defaultTo('queued')
				.check(sql`status in ('queued', 'sending', 'sent', 'failed')`)
		)
		.addColumn('attempts', 'integer', (col) => col.notNull().defaultTo(0))
		.addColumn('next_attempt_at', 'timestamptz', (col) => col.notNull().defaultTo(sql`now()`))
		// A worker that claims a message owns it until then; past it, another worker may retry.
		.addColumn('locked_until', 'timestamptz')
		.addColumn('last_error', 'text')
		.addColumn('sent_at', 'timestamptz')
		.addColumn('created_at', 'timestamptz', (col) => col.notNull().defaultTo(sql`now()`))
		.execute();
	await sql`create index email_message_due_idx on email_message (next_attempt_at)
		where status in ('queued', 'sending')`.execute(db);
	await sql`create index email_message_created_idx on email_message (created_at desc, id desc)`.execute(
		db
	);
	await sql`create index email_message_supporter_idx on email_message (supporter_id)
		where supporter_id is not null`.execute(db);

	// A receipt number is given once, the first time a gift's receipt is made, from one sequence.
	await sql`create sequence receipt_number_seq`.execute(db);
	await db.schema
		.alterTable('contribution')
		.addColumn('receipt_number', 'bigint', (col) => col.unique())
		.addColumn('receipt_requested', 'boolean', (col) => col.notNull().defaultTo(false))
		.execute();

	// Norwegian tax deduction (skattefradrag): off until staff turn it on.
	await db.schema
		.alterTable('organisation')
		.addColumn('tax_report_enabled', 'boolean', (col) => col.notNull().defaultTo(false))
		.addColumn('tax_report_threshold_minor', 'bigint', (col) =>
			col
				.notNull()
				.defaultTo(50_000)
				.check(sql`tax_report_threshold_minor >= 0`)
		)
		.addColumn('organisation_number', 'text', (col) => col.notNull().defaultTo(''))
		.execute();

	// The supporter's fødselsnummer or D-nummer, given with consent on /my. Only the sealed form
	// (AES-256-GCM, auth/secret-box.ts) and the last two digits for a masked display are stored;
	// the row is deleted when the supporter withdraws consent or is erased.
	await db.schema
		.createTable('supporter_tax_identity')
		.addColumn('supporter_id', 'uuid', (col) =>
			col.primaryKey().references('supporter.id').onDelete('cascade')
		)
		.addColumn('kind', 'text', (col) => col.notNull().check(sql`kind in ('fnr', 'dnr')`))
		.addColumn('identifier_sealed', 'text', (col) => col.notNull())
		.addColumn('last_digits', 'text', (col) => col.notNull())
		.addColumn('consented_at', 'timestamptz', (col) => col.notNull().defaultTo(sql`now()`))
		.addColumn('updated_at', 'timestamptz', (col) => col.notNull().defaultTo(sql`now()`))
		.execute();
}

export async function down(db: Kysely<any>): Promise<void> {
	await db.schema.dropTable('supporter_tax_identity').execute();
	await db.schema
		.alterTable('organisation')
		.dropColumn('tax_report_enabled')
		.dropColumn('tax_report_threshold_minor')
		.dropColumn('organisation_number')
		.execute();
	await db.schema
		.alterTable('contribution')
		.dropColumn('receipt_number')
		.dropColumn('receipt_requested')
		.execute();
	await sql`drop sequence receipt_number_seq`.execute(db);
	await db.schema.dropTable('email_message').execute();
}
