import type { Kysely } from 'kysely';

// The 30-second step of the last two-factor code an account used: a code is then accepted once
// (RFC 6238 §5.2), not again by someone who saw it typed within its window.
export async function up(db: Kysely<any>): Promise<void> {
	await db.schema.alterTable('staff_user').addColumn('totp_last_step', 'bigint').execute();
}

export async function down(db: Kysely<any>): Promise<void> {
	await db.schema.alterTable('staff_user').dropColumn('totp_last_step').execute();
}
