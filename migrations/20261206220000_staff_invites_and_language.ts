import { sql, type Kysely } from 'kysely';

// Staff accounts are invited by email: the invitee sets their own password through a single-use
// link, so an invited account has no password until then. Only a SHA-256 of each link's secret is
// stored, with the language the invitation was written in (a resend writes it the same way).
// Each account keeps the language its admin is shown in: null until the first signed-in page,
// which takes it from the browser.
export async function up(db: Kysely<any>): Promise<void> {
	await db.schema
		.alterTable('staff_user')
		.alterColumn('password_hash', (col) => col.dropNotNull())
		.execute();
	await db.schema.alterTable('staff_user').addColumn('locale', 'text').execute();
	await db.schema
		.createTable('staff_invite_token')
		.addColumn('token_hash', 'bytea', (col) => col.primaryKey())
		.addColumn('staff_user_id', 'uuid', (col) =>
			col.notNull().references('staff_user.id').onDelete('cascade')
		)
		.addColumn('locale', 'text', (col) => col.notNull())
		.addColumn('expires_at', 'timestamptz', (col) => col.notNull())
		// Set when the link is used; kept a while to say so when opened again.
		.addColumn('used_at', 'timestamptz')
		.addColumn('created_at', 'timestamptz', (col) => col.notNull().defaultTo(sql`now()`))
		.execute();
	await db.schema
		.createIndex('staff_invite_token_staff_user_idx')
		.on('staff_invite_token')
		.column('staff_user_id')
		.execute();
}

export async function down(db: Kysely<any>): Promise<void> {
	await db.schema.dropTable('staff_invite_token').execute();
	await db.schema.alterTable('staff_user').dropColumn('locale').execute();
	await sql`update staff_user set password_hash = '!' where password_hash is null`.execute(db);
	await db.schema
		.alterTable('staff_user')
		.alterColumn('password_hash', (col) => col.setNotNull())
		.execute();
}
