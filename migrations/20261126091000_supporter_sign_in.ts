import { sql, type Kysely } from 'kysely';

// "My giving" (/my): supporters sign in with a single-use link sent by email and then have a
// session of their own, apart from staff sessions. Only SHA-256 hashes of the links' and the
// sessions' secrets are stored. A monthly gift keeps the reason its giver wrote when cancelling.
export async function up(db: Kysely<any>): Promise<void> {
	await db.schema
		.createTable('supporter_sign_in_token')
		.addColumn('token_hash', 'bytea', (col) => col.primaryKey())
		.addColumn('supporter_id', 'uuid', (col) =>
			col.notNull().references('supporter.id').onDelete('cascade')
		)
		.addColumn('expires_at', 'timestamptz', (col) => col.notNull())
		// Set when the link is used; a used link is kept a while to say so when opened again.
		.addColumn('used_at', 'timestamptz')
		.addColumn('created_at', 'timestamptz', (col) => col.notNull().defaultTo(sql`now()`))
		.execute();
	await db.schema
		.createIndex('supporter_sign_in_token_supporter_idx')
		.on('supporter_sign_in_token')
		.column('supporter_id')
		.execute();
	await db.schema
		.createIndex('supporter_sign_in_token_expires_idx')
		.on('supporter_sign_in_token')
		.column('expires_at')
		.execute();

	await db.schema
		.createTable('supporter_session')
		.addColumn('id', 'text', (col) => col.primaryKey())
		.addColumn('supporter_id', 'uuid', (col) =>
			col.notNull().references('supporter.id').onDelete('cascade')
		)
		.addColumn('secret_hash', 'bytea', (col) => col.notNull())
		.addColumn('last_verified_at', 'timestamptz', (col) => col.notNull().defaultTo(sql`now()`))
		.addColumn('created_at', 'timestamptz', (col) => col.notNull().defaultTo(sql`now()`))
		.execute();
	await db.schema
		.createIndex('supporter_session_supporter_idx')
		.on('supporter_session')
		.column('supporter_id')
		.execute();
	await db.schema
		.createIndex('supporter_session_last_verified_idx')
		.on('supporter_session')
		.column('last_verified_at')
		.execute();

	// Copied from the subscription's cancellation_details.comment by the Stripe event handler,
	// so it arrives with the cancellation itself, whether given on /my or in Stripe's portal.
	await db.schema.alterTable('recurring_plan').addColumn('cancellation_comment', 'text').execute();
}

export async function down(db: Kysely<any>): Promise<void> {
	await db.schema.alterTable('recurring_plan').dropColumn('cancellation_comment').execute();
	await db.schema.dropTable('supporter_session').execute();
	await db.schema.dropTable('supporter_sign_in_token').execute();
}
