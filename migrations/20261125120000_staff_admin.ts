import { sql, type Kysely } from 'kysely';

// The staff admin: accounts and sessions, the audit log, imports, and what staff need on
// supporters (a giving reference, erasure) and contributions (who recorded a gift, voiding).
export async function up(db: Kysely<any>): Promise<void> {
	await sql`create extension if not exists pg_trgm`.execute(db);

	await db.schema
		.createTable('staff_user')
		.addColumn('id', 'uuid', (col) => col.primaryKey().defaultTo(sql`gen_random_uuid()`))
		.addColumn('email', 'text', (col) => col.notNull().check(sql`email like '%_@_%'`))
		.addColumn('name', 'text', (col) => col.notNull().defaultTo(''))
		.addColumn('password_hash', 'text', (col) => col.notNull())
		.addColumn('role', 'text', (col) =>
			col.notNull().check(sql`role in ('admin', 'staff', 'viewer')`)
		)
		// AES-256-GCM ciphertext (see auth/secret-box.ts); the key never sits in the database.
		.addColumn('totp_secret_encrypted', 'text')
		.addColumn('totp_enabled_at', 'timestamptz')
		// SHA-256 of each unused recovery code; a code is removed when used.
		.addColumn('recovery_code_hashes', sql`text[]`, (col) =>
			col.notNull().defaultTo(sql`'{}'::text[]`)
		)
		.addColumn('is_disabled', 'boolean', (col) => col.notNull().defaultTo(false))
		.addColumn('password_changed_at', 'timestamptz', (col) => col.notNull().defaultTo(sql`now()`))
		.addColumn('last_signed_in_at', 'timestamptz')
		.addColumn('created_at', 'timestamptz', (col) => col.notNull().defaultTo(sql`now()`))
		.addColumn('updated_at', 'timestamptz', (col) => col.notNull().defaultTo(sql`now()`))
		.execute();
	await sql`create unique index staff_user_email_key on staff_user (lower(email))`.execute(db);

	await db.schema
		.createTable('staff_session')
		.addColumn('id', 'text', (col) => col.primaryKey())
		.addColumn('staff_user_id', 'uuid', (col) =>
			col.notNull().references('staff_user.id').onDelete('cascade')
		)
		// SHA-256 of the token's secret half; the token itself is only ever in the cookie.
		.addColumn('secret_hash', 'bytea', (col) => col.notNull())
		// False until the second factor is given, for accounts that have one.
		.addColumn('is_two_factor_verified', 'boolean', (col) => col.notNull().defaultTo(false))
		.addColumn('last_verified_at', 'timestamptz', (col) => col.notNull().defaultTo(sql`now()`))
		.addColumn('created_at', 'timestamptz', (col) => col.notNull().defaultTo(sql`now()`))
		.addColumn('user_agent', 'text', (col) => col.notNull().defaultTo(''))
		.execute();
	await db.schema
		.createIndex('staff_session_user_idx')
		.on('staff_session')
		.column('staff_user_id')
		.execute();

	// One-time links that create the first admin (printed by `npm start` while no staff exists).
	await db.schema
		.createTable('staff_setup_token')
		.addColumn('token_hash', 'bytea', (col) => col.primaryKey())
		.addColumn('expires_at', 'timestamptz', (col) => col.notNull())
		.addColumn('created_at', 'timestamptz', (col) => col.notNull().defaultTo(sql`now()`))
		.execute();

	await db.schema
		.createTable('audit_log')
		.addColumn('id', 'bigserial', (col) => col.primaryKey())
		.addColumn('staff_user_id', 'uuid', (col) => col.references('staff_user.id'))
		.addColumn('action', 'text', (col) => col.notNull())
		.addColumn('entity_type', 'text', (col) => col.notNull())
		.addColumn('entity_id', 'text')
		.addColumn('before', 'jsonb')
		.addColumn('after', 'jsonb')
		.addColumn('request_id', 'text')
		.addColumn('created_at', 'timestamptz', (col) => col.notNull().defaultTo(sql`now()`))
		.execute();
	await sql`create index audit_log_created_idx on audit_log (created_at desc, id desc)`.execute(db);
	await sql`create index audit_log_entity_idx on audit_log (entity_type, entity_id)`.execute(db);

	await db.schema
		.createTable('import_batch')
		.addColumn('id', 'uuid', (col) => col.primaryKey().defaultTo(sql`gen_random_uuid()`))
		.addColumn('format', 'text', (col) =>
			col.notNull().check(sql`format in ('camt053', 'bank_csv', 'vipps_csv')`)
		)
		.addColumn('file_name', 'text', (col) => col.notNull())
		.addColumn('file_sha256', 'text', (col) => col.notNull())
		.addColumn('row_count', 'integer', (col) => col.notNull())
		.addColumn('created_count', 'integer', (col) => col.notNull())
		.addColumn('duplicate_count', 'integer', (col) => col.notNull())
		.addColumn('staff_user_id', 'uuid', (col) => col.references('staff_user.id'))
		.addColumn('created_at', 'timestamptz', (col) => col.notNull().defaultTo(sql`now()`))
		.execute();

	// A bank CSV's column mapping, remembered by the file's header line.
	await db.schema
		.createTable('import_mapping')
		.addColumn('header_signature', 'text', (col) => col.primaryKey())
		.addColumn('mapping', 'jsonb', (col) => col.notNull())
		.addColumn('updated_at', 'timestamptz', (col) => col.notNull().defaultTo(sql`now()`))
		.execute();

	await db.schema
		.alterTable('supporter')
		// A giving reference (KID or donor number) a bank transfer or Vipps payment may quote.
		.addColumn('reference', 'text')
		.addColumn('erased_at', 'timestamptz')
		.execute();
	await sql`create unique index supporter_reference_key on supporter (reference) where reference is not null`.execute(
		db
	);
	await sql`create index supporter_search_trgm_idx on supporter using gin ((lower(coalesce(name, '') || ' ' || coalesce(email, '') || ' ' || coalesce(phone, '') || ' ' || coalesce(reference, ''))) gin_trgm_ops)`.execute(
		db
	);
	await sql`create index supporter_created_idx on supporter (created_at desc, id desc)`.execute(db);

	await sql`alter table contribution drop constraint contribution_status_check`.execute(db);
	await sql`alter table contribution add constraint contribution_status_check check (status in ('pending', 'succeeded', 'failed', 'refunded', 'partially_refunded', 'disputed', 'voided'))`.execute(
		db
	);
	await db.schema
		.alterTable('contribution')
		// Who typed a hand-recorded gift in, or which import brought it; both null for Stripe.
		.addColumn('recorded_by', 'uuid', (col) => col.references('staff_user.id'))
		.addColumn('import_batch_id', 'uuid', (col) => col.references('import_batch.id'))
		.addColumn('void_reason', 'text')
		.execute();
	await sql`create index contribution_import_batch_idx on contribution (import_batch_id) where import_batch_id is not null`.execute(
		db
	);
}

export async function down(db: Kysely<any>): Promise<void> {
	await db.schema
		.alterTable('contribution')
		.dropColumn('void_reason')
		.dropColumn('import_batch_id')
		.dropColumn('recorded_by')
		.execute();
	await sql`alter table contribution drop constraint contribution_status_check`.execute(db);
	await sql`alter table contribution add constraint contribution_status_check check (status in ('pending', 'succeeded', 'failed', 'refunded', 'partially_refunded', 'disputed'))`.execute(
		db
	);
	await sql`drop index if exists supporter_search_trgm_idx`.execute(db);
	await sql`drop index if exists supporter_created_idx`.execute(db);
	await db.schema.alterTable('supporter').dropColumn('erased_at').dropColumn('reference').execute();
	for (const table of [
		'import_mapping',
		'import_batch',
		'audit_log',
		'staff_setup_token',
		'staff_session',
		'staff_user'
	]) {
		await db.schema.dropTable(table).ifExists().execute();
	}
}
