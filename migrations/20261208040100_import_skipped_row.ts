import { sql, type Kysely } from 'kysely';

// A row staff chose not to import (a payout from Vipps or Stripe, a transfer between own
// accounts) is remembered by its bank identity, so the next import of an overlapping statement
// shows it as skipped on that day by that person instead of offering it as new again.

export async function up(db: Kysely<any>): Promise<void> {
	await db.schema
		.createTable('import_skipped_row')
		.addColumn('channel', 'text', (col) => col.notNull())
		.addColumn('external_reference', 'text', (col) => col.notNull())
		.addColumn('bank_transaction_key', 'text')
		.addColumn('import_batch_id', 'uuid', (col) => col.notNull().references('import_batch.id'))
		.addPrimaryKeyConstraint('import_skipped_row_pkey', ['channel', 'external_reference'])
		.execute();
	await sql`create index import_skipped_row_key_idx on import_skipped_row (bank_transaction_key)
		where bank_transaction_key is not null`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
	await db.schema.dropTable('import_skipped_row').execute();
}
