import { sql, type Kysely } from 'kysely';

// Vipps MobilePay one-off gifts: the payment the appeal opened (with the supporter's choices),
// the webhook event store, and the webhooks registered with Vipps's Webhooks API (with the
// secret each delivery is signed with).
export async function up(db: Kysely<any>): Promise<void> {
	await db.schema
		.createTable('vipps_payment')
		// Our reference at Vipps, `komak-<uuid>`; also the gift's external reference.
		.addColumn('reference', 'text', (col) => col.primaryKey())
		.addColumn('kind', 'text', (col) => col.notNull().check(sql`kind in ('one_off', 'monthly')`))
		.addColumn('currency', 'char(3)', (col) => col.notNull())
		.addColumn('amount_minor', 'bigint', (col) => col.notNull().check(sql`amount_minor > 0`))
		.addColumn('fee_top_up_minor', 'bigint', (col) => col.notNull().defaultTo(0))
		.addColumn('email', 'text', (col) => col.notNull())
		.addColumn('name', 'text', (col) => col.notNull().defaultTo(''))
		.addColumn('is_anonymous', 'boolean', (col) => col.notNull().defaultTo(false))
		.addColumn('dedication', 'text', (col) => col.notNull().defaultTo(''))
		.addColumn('locale', 'text', (col) => col.notNull().defaultTo('en'))
		// What Vipps last reported: CREATED, AUTHORIZED, ABORTED, EXPIRED or TERMINATED.
		.addColumn('state', 'text', (col) => col.notNull().defaultTo('CREATED'))
		.addColumn('created_at', 'timestamptz', (col) => col.notNull().defaultTo(sql`now()`))
		.addColumn('updated_at', 'timestamptz', (col) => col.notNull().defaultTo(sql`now()`))
		.execute();
	await sql`create index vipps_payment_open_idx on vipps_payment (created_at) where state in ('CREATED', 'AUTHORIZED')`.execute(
		db
	);

	await db.schema
		.createTable('vipps_event')
		// Vipps's events carry no id of their own: name, reference and PSP reference make one.
		.addColumn('id', 'text', (col) => col.primaryKey())
		.addColumn('name', 'text', (col) => col.notNull())
		.addColumn('reference', 'text', (col) => col.notNull())
		.addColumn('vipps_timestamp', 'timestamptz', (col) => col.notNull())
		.addColumn('payload', 'jsonb', (col) => col.notNull())
		.addColumn('status', 'text', (col) =>
			col
				.notNull()
				.defaultTo('received')
				.check(sql`status in ('received', 'processed', 'failed')`)
		)
		.addColumn('attempts', 'integer', (col) => col.notNull().defaultTo(0))
		.addColumn('last_error', 'text')
		.addColumn('received_at', 'timestamptz', (col) => col.notNull().defaultTo(sql`now()`))
		.addColumn('processed_at', 'timestamptz')
		.execute();
	await db.schema
		.createIndex('vipps_event_reference_idx')
		.on('vipps_event')
		.column('reference')
		.execute();

	await db.schema
		.createTable('vipps_webhook')
		.addColumn('id', 'text', (col) => col.primaryKey())
		.addColumn('url', 'text', (col) => col.notNull())
		.addColumn('events', sql`text[]`, (col) => col.notNull())
		.addColumn('secret', 'text', (col) => col.notNull())
		.addColumn('created_at', 'timestamptz', (col) => col.notNull().defaultTo(sql`now()`))
		.execute();
}

export async function down(db: Kysely<any>): Promise<void> {
	await db.schema.dropTable('vipps_webhook').ifExists().execute();
	await db.schema.dropTable('vipps_event').ifExists().execute();
	await db.schema.dropTable('vipps_payment').ifExists().execute();
}
