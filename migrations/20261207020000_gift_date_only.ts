import { sql, type Kysely } from 'kysely';

// A gift staff typed in or a bank or Vipps report brought has a day and no hour: it is stored at
// midday UTC (the same day in every time zone staff work in), and this says so, so no page shows
// "13:00" as if someone had paid then. Gifts recorded that way before are the ones with a
// recorder (staff, by hand or by import); card and Vipps payments keep their real times.

export async function up(db: Kysely<any>): Promise<void> {
	await db.schema
		.alterTable('contribution')
		.addColumn('is_date_only', 'boolean', (column) => column.notNull().defaultTo(false))
		.execute();
	await sql`update contribution set is_date_only = true where recorded_by is not null`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
	await db.schema.alterTable('contribution').dropColumn('is_date_only').execute();
}
