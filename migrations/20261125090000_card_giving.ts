import { sql, type Kysely } from 'kysely';

// Card giving through Stripe: checkout attempts, the webhook event store, the client rate limit,
// and the Stripe links on supporters, plans and contributions.
export async function up(db: Kysely<any>): Promise<void> {
	await db.schema.alterTable('supporter').addColumn('stripe_customer_id', 'text').execute();
	await sql`create unique index supporter_stripe_customer_key on supporter (stripe_customer_id) where stripe_customer_id is not null`.execute(
		db
	);

	await db.schema
		.alterTable('recurring_plan')
		.addColumn('cancel_at_period_end', 'boolean', (col) => col.notNull().defaultTo(false))
		.addColumn('current_period_end', 'timestamptz')
		.addColumn('last_failure_reason', 'text')
		.execute();

	await db.schema
		.alterTable('contribution')
		// The PaymentIntent behind a card gift (for a monthly gift the invoice is the reference),
		// so refunds and disputes, which name the payment, find their gift.
		.addColumn('payment_reference', 'text')
		.addColumn('refunded_minor', 'bigint', (col) =>
			col
				.notNull()
				.defaultTo(0)
				.check(sql`refunded_minor >= 0`)
		)
		.execute();
	await sql`create index contribution_payment_reference_idx on contribution (payment_reference) where payment_reference is not null`.execute(
		db
	);

	await db.schema
		.createTable('checkout_attempt')
		.addColumn('id', 'uuid', (col) => col.primaryKey().defaultTo(sql`gen_random_uuid()`))
		.addColumn('kind', 'text', (col) => col.notNull().check(sql`kind in ('one_off', 'monthly')`))
		.addColumn('currency', 'char(3)', (col) => col.notNull())
		.addColumn('amount_minor', 'bigint', (col) => col.notNull().check(sql`amount_minor > 0`))
		.addColumn('fee_top_up_minor', 'bigint', (col) => col.notNull().defaultTo(0))
		.addColumn('email', 'text', (col) => col.notNull())
		.addColumn('name', 'text', (col) => col.notNull().defaultTo(''))
		.addColumn('is_anonymous', 'boolean', (col) => col.notNull().defaultTo(false))
		.addColumn('dedication', 'text', (col) => col.notNull().defaultTo(''))
		.addColumn('locale', 'text', (col) => col.notNull().defaultTo('en'))
		.addColumn('stripe_checkout_session_id', 'text', (col) => col.unique())
		.addColumn('status', 'text', (col) =>
			col
				.notNull()
				.defaultTo('created')
				.check(sql`status in ('created', 'open', 'completed', 'expired', 'failed')`)
		)
		.addColumn('created_at', 'timestamptz', (col) => col.notNull().defaultTo(sql`now()`))
		.addColumn('updated_at', 'timestamptz', (col) => col.notNull().defaultTo(sql`now()`))
		.execute();

	await db.schema
		.createTable('stripe_event')
		.addColumn('id', 'text', (col) => col.primaryKey())
		.addColumn('type', 'text', (col) => col.notNull())
		.addColumn('stripe_created_at', 'timestamptz', (col) => col.notNull())
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
	await sql`create index stripe_event_unprocessed_idx on stripe_event (stripe_created_at) where status <> 'processed'`.execute(
		db
	);

	// Fixed-window counters, shared by every app instance through the database.
	await db.schema
		.createTable('rate_limit')
		.addColumn('key', 'text', (col) => col.notNull())
		.addColumn('window_start', 'timestamptz', (col) => col.notNull())
		.addColumn('count', 'integer', (col) => col.notNull().defaultTo(0))
		.addPrimaryKeyConstraint('rate_limit_pkey', ['key', 'window_start'])
		.execute();
}

export async function down(db: Kysely<any>): Promise<void> {
	await db.schema.dropTable('rate_limit').ifExists().execute();
	await db.schema.dropTable('stripe_event').ifExists().execute();
	await db.schema.dropTable('checkout_attempt').ifExists().execute();
	await db.schema
		.alterTable('contribution')
		.dropColumn('refunded_minor')
		.dropColumn('payment_reference')
		.execute();
	await db.schema
		.alterTable('recurring_plan')
		.dropColumn('last_failure_reason')
		.dropColumn('current_period_end')
		.dropColumn('cancel_at_period_end')
		.execute();
	await db.schema.alterTable('supporter').dropColumn('stripe_customer_id').execute();
}
