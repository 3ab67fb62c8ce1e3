import type { Kysely } from 'kysely';

// Sign-in guessing slows down instead of locking: per account (or known device) the attempts
// since the last right answer and when the last was made, from which the next allowed time
// follows (src/lib/server/auth/backoff.ts). One row per key, so no fixed window as in rate_limit.
export async function up(db: Kysely<any>): Promise<void> {
	await db.schema
		.createTable('attempt_backoff')
		.addColumn('key', 'text', (col) => col.primaryKey())
		.addColumn('attempts', 'integer', (col) => col.notNull())
		.addColumn('last_attempt_at', 'timestamptz', (col) => col.notNull())
		.execute();
	await db.schema
		.createIndex('attempt_backoff_last_attempt_idx')
		.on('attempt_backoff')
		.column('last_attempt_at')
		.execute();
}

export async function down(db: Kysely<any>): Promise<void> {
	await db.schema.dropTable('attempt_backoff').ifExists().execute();
}
