import { sql, type Kysely } from 'kysely';

// Monthly gifts by Vipps (Recurring API v3): the agreement the appeal drafted, with the
// supporter's choices and the date its next charge falls due, and each charge Komak created,
// one per agreement and month (the unique key the scheduler relies on across instances).
export async function up(db: Kysely<any>): Promise<void> {
	await db.schema
		.createTable('vipps_agreement')
		// Our reference, `komak-<uuid>`, the agreement's externalId at Vipps.
		.addColumn('reference', 'text', (col) => col.primaryKey())
		.addColumn('agreement_id', 'text', (col) => col.unique())
		.addColumn('currency', 'char(3)', (col) => col.notNull())
		.addColumn('amount_minor', 'bigint', (col) => col.notNull().check(sql`amount_minor > 0`))
		.addColumn('email', 'text', (col) => col.notNull())
		.addColumn('name', 'text', (col) => col.notNull().defaultTo(''))
		.addColumn('is_anonymous', 'boolean', (col) => col.notNull().defaultTo(false))
		.addColumn('dedication', 'text', (col) => col.notNull().defaultTo(''))
		.addColumn('locale', 'text', (col) => col.notNull().defaultTo('en'))
		// What Vipps last reported: PENDING, ACTIVE, STOPPED or EXPIRED.
		.addColumn('status', 'text', (col) => col.notNull().defaultTo('PENDING'))
		// The due date of the next charge to create, `YYYY-MM-DD` (text: a calendar date with no
		// time zone to shift it); null until the agreement is active.
		.addColumn('next_charge_on', 'text', (col) =>
			col.check(sql`next_charge_on ~ '^[0-9]{4}-[0-9]{2}-[0-9]{2}$'`)
		)
		// The day of the month gifts fall due (the day the agreement began), kept through short months.
		.addColumn('charge_day', 'smallint', (col) => col.check(sql`charge_day between 1 and 31`))
		.addColumn('created_at', 'timestamptz', (col) => col.notNull().defaultTo(sql`now()`))
		.addColumn('updated_at', 'timestamptz', (col) => col.notNull().defaultTo(sql`now()`))
		.execute();
	await sql`create index vipps_agreement_next_charge_idx on vipps_agreement (next_charge_on) where status = 'ACTIVE'`.execute(
		db
	);

	await db.schema
		.createTable('vipps_charge')
		.addColumn('charge_id', 'text', (col) => col.primaryKey())
		.addColumn('agreement_id', 'text', (col) => col.notNull())
		// The month the charge pays for, `YYYY-MM`.
		.addColumn('period', 'text', (col) => col.notNull())
		.addColumn('due_on', 'text', (col) => col.notNull())
		.addColumn('created_at', 'timestamptz', (col) => col.notNull().defaultTo(sql`now()`))
		.addUniqueConstraint('vipps_charge_agreement_period_key', ['agreement_id', 'period'])
		.execute();
}

export async function down(db: Kysely<any>): Promise<void> {
	await db.schema.dropTable('vipps_charge').ifExists().execute();
	await db.schema.dropTable('vipps_agreement').ifExists().execute();
}
