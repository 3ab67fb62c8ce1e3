import { sql, type Kysely } from 'kysely';

// Frozen once merged: later changes go in a new migration file.
export async function up(db: Kysely<any>): Promise<void> {
	await db.schema
		.createTable('organisation')
		.addColumn('id', 'smallint', (col) =>
			col
				.primaryKey()
				.defaultTo(1)
				.check(sql`id = 1`)
		)
		.addColumn('name', 'text', (col) => col.notNull())
		// { "<locale>": { "title": "...", "body": "..." } }; a missing locale falls back to the
		// translated default appeal.
		.addColumn('appeal_texts', 'jsonb', (col) => col.notNull().defaultTo(sql`'{}'::jsonb`))
		.addColumn('default_currency', 'char(3)', (col) => col.notNull().defaultTo('NOK'))
		// Card fee estimate: a percentage in basis points plus a fixed part per currency.
		.addColumn('card_fee_basis_points', 'integer', (col) =>
			col
				.notNull()
				.defaultTo(240)
				.check(sql`card_fee_basis_points between 0 and 2000`)
		)
		.addColumn('bank_name', 'text', (col) => col.notNull().defaultTo(''))
		.addColumn('bank_account_number', 'text', (col) => col.notNull().defaultTo(''))
		.addColumn('iban', 'text', (col) => col.notNull().defaultTo(''))
		.addColumn('bic', 'text', (col) => col.notNull().defaultTo(''))
		.addColumn('vipps_number', 'text', (col) => col.notNull().defaultTo(''))
		.addColumn('contact_email', 'text', (col) => col.notNull().defaultTo(''))
		.addColumn('created_at', 'timestamptz', (col) => col.notNull().defaultTo(sql`now()`))
		.addColumn('updated_at', 'timestamptz', (col) => col.notNull().defaultTo(sql`now()`))
		.execute();

	await db.schema
		.createTable('currency_setting')
		.addColumn('currency', 'char(3)', (col) =>
			col.primaryKey().check(sql`currency in ('NOK', 'EUR', 'USD')`)
		)
		.addColumn('is_enabled', 'boolean', (col) => col.notNull().defaultTo(true))
		.addColumn('position', 'smallint', (col) => col.notNull().defaultTo(0))
		.addColumn('preset_amounts_minor', sql`bigint[]`, (col) => col.notNull())
		.addColumn('minimum_minor', 'bigint', (col) => col.notNull().check(sql`minimum_minor > 0`))
		.addColumn('maximum_minor', 'bigint', (col) => col.notNull())
		.addColumn('card_fee_fixed_minor', 'bigint', (col) =>
			col
				.notNull()
				.defaultTo(0)
				.check(sql`card_fee_fixed_minor >= 0`)
		)
		.addCheckConstraint('currency_setting_range', sql`maximum_minor >= minimum_minor`)
		.execute();

	await db.schema
		.createTable('supporter')
		.addColumn('id', 'uuid', (col) => col.primaryKey().defaultTo(sql`gen_random_uuid()`))
		.addColumn('email', 'text')
		.addColumn('name', 'text', (col) => col.notNull().defaultTo(''))
		.addColumn('phone', 'text')
		.addColumn('country', 'char(2)')
		.addColumn('preferred_locale', 'text', (col) =>
			col
				.notNull()
				.defaultTo('en')
				.check(sql`preferred_locale in ('en', 'nb', 'ps', 'fa-AF')`)
		)
		.addColumn('has_contact_consent', 'boolean', (col) => col.notNull().defaultTo(false))
		.addColumn('contact_consent_at', 'timestamptz')
		.addColumn('is_anonymous_by_default', 'boolean', (col) => col.notNull().defaultTo(false))
		.addColumn('notes', 'text', (col) => col.notNull().defaultTo(''))
		.addColumn('tags', sql`text[]`, (col) => col.notNull().defaultTo(sql`'{}'::text[]`))
		.addColumn('merged_into', 'uuid', (col) => col.references('supporter.id'))
		.addColumn('created_at', 'timestamptz', (col) => col.notNull().defaultTo(sql`now()`))
		.addColumn('updated_at', 'timestamptz', (col) => col.notNull().defaultTo(sql`now()`))
		.addCheckConstraint('supporter_email_shape', sql`email is null or email like '%_@_%'`)
		.addCheckConstraint(
			'supporter_not_merged_into_self',
			sql`merged_into is null or merged_into <> id`
		)
		.execute();
	// Case-insensitive uniqueness; erased or walk-in supporters may have no email.
	await sql`create unique index supporter_email_key on supporter (lower(email)) where email is not null`.execute(
		db
	);
	await sql`create index supporter_name_idx on supporter (lower(name))`.execute(db);
	await sql`create index supporter_tags_idx on supporter using gin (tags)`.execute(db);

	await db.schema
		.createTable('recurring_plan')
		.addColumn('id', 'uuid', (col) => col.primaryKey().defaultTo(sql`gen_random_uuid()`))
		.addColumn('supporter_id', 'uuid', (col) => col.notNull().references('supporter.id'))
		.addColumn('channel', 'text', (col) =>
			col.notNull().check(sql`channel in ('card', 'bank_transfer', 'vipps', 'cash', 'other')`)
		)
		.addColumn('amount_minor', 'bigint', (col) => col.notNull().check(sql`amount_minor > 0`))
		.addColumn('currency', 'char(3)', (col) => col.notNull().check(sql`currency ~ '^[A-Z]{3}$'`))
		.addColumn('interval', 'text', (col) =>
			col
				.notNull()
				.defaultTo('month')
				.check(sql`interval in ('month')`)
		)
		.addColumn('status', 'text', (col) =>
			col.notNull().check(sql`status in ('active', 'past_due', 'paused', 'canceled')`)
		)
		.addColumn('external_id', 'text')
		.addColumn('started_at', 'timestamptz', (col) => col.notNull().defaultTo(sql`now()`))
		.addColumn('canceled_at', 'timestamptz')
		.addColumn('created_at', 'timestamptz', (col) => col.notNull().defaultTo(sql`now()`))
		.addColumn('updated_at', 'timestamptz', (col) => col.notNull().defaultTo(sql`now()`))
		.addUniqueConstraint('recurring_plan_external_key', ['channel', 'external_id'])
		.execute();
	await db.schema
		.createIndex('recurring_plan_supporter_idx')
		.on('recurring_plan')
		.column('supporter_id')
		.execute();
	await db.schema
		.createIndex('recurring_plan_status_idx')
		.on('recurring_plan')
		.column('status')
		.execute();

	await db.schema
		.createTable('contribution')
		.addColumn('id', 'uuid', (col) => col.primaryKey().defaultTo(sql`gen_random_uuid()`))
		.addColumn('supporter_id', 'uuid', (col) => col.notNull().references('supporter.id'))
		.addColumn('recurring_plan_id', 'uuid', (col) => col.references('recurring_plan.id'))
		.addColumn('channel', 'text', (col) =>
			col.notNull().check(sql`channel in ('card', 'bank_transfer', 'vipps', 'cash', 'other')`)
		)
		.addColumn('kind', 'text', (col) => col.notNull().check(sql`kind in ('one_off', 'monthly')`))
		.addColumn('amount_minor', 'bigint', (col) => col.notNull().check(sql`amount_minor > 0`))
		.addColumn('currency', 'char(3)', (col) => col.notNull().check(sql`currency ~ '^[A-Z]{3}$'`))
		.addColumn('fee_minor', 'bigint', (col) => col.check(sql`fee_minor >= 0`))
		.addColumn('net_minor', 'bigint')
		.addColumn('status', 'text', (col) =>
			col
				.notNull()
				.check(
					sql`status in ('pending', 'succeeded', 'failed', 'refunded', 'partially_refunded', 'disputed')`
				)
		)
		.addColumn('received_at', 'timestamptz', (col) => col.notNull().defaultTo(sql`now()`))
		.addColumn('external_reference', 'text')
		.addColumn('note', 'text', (col) => col.notNull().defaultTo(''))
		.addColumn('dedication', 'text', (col) => col.notNull().defaultTo(''))
		.addColumn('is_anonymous', 'boolean', (col) => col.notNull().defaultTo(false))
		.addColumn('created_at', 'timestamptz', (col) => col.notNull().defaultTo(sql`now()`))
		.addColumn('updated_at', 'timestamptz', (col) => col.notNull().defaultTo(sql`now()`))
		// The natural key that makes recording a gift idempotent: one row per Stripe id, bank
		// reference or Vipps transaction, whichever path reports it first.
		.addUniqueConstraint('contribution_external_key', ['channel', 'external_reference'])
		.execute();
	await sql`create index contribution_supporter_idx on contribution (supporter_id, received_at desc)`.execute(
		db
	);
	await sql`create index contribution_received_idx on contribution (received_at desc)`.execute(db);
	await sql`create index contribution_channel_idx on contribution (channel, received_at desc)`.execute(
		db
	);
	await sql`create index contribution_plan_idx on contribution (recurring_plan_id) where recurring_plan_id is not null`.execute(
		db
	);
}

export async function down(db: Kysely<any>): Promise<void> {
	for (const table of [
		'contribution',
		'recurring_plan',
		'supporter',
		'currency_setting',
		'organisation'
	]) {
		await db.schema.dropTable(table).ifExists().execute();
	}
}
