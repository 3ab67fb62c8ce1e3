import { sql, type Kysely, type Transaction } from 'kysely';
import type { Database, NewSupporter, Supporter } from './db-schema.ts';

type Db = Kysely<Database> | Transaction<Database>;

export async function findSupporterByEmail(db: Db, email: string): Promise<Supporter | undefined> {
	return db
		.selectFrom('supporter')
		.selectAll()
		.where(sql<string>`lower(email)`, '=', email.trim().toLowerCase())
		.executeTakeFirst();
}

/**
 * The supporter with this email, created if new. Safe when two requests race: the unique index on
 * lower(email) decides, and both get the same row. Existing details are only filled in, never
 * overwritten by what a form says.
 */
export async function findOrCreateSupporterByEmail(
	db: Db,
	supporter: NewSupporter & { email: string }
): Promise<Supporter> {
	return db
		.insertInto('supporter')
		.values({ ...supporter, email: supporter.email.trim() })
		.onConflict((oc) =>
			oc
				.expression(sql`lower(email)`)
				.where('email', 'is not', null)
				.doUpdateSet({
					name: sql<string>`case when supporter.name = '' then excluded.name else supporter.name end`,
					updated_at: sql`now()`
				})
		)
		.returningAll()
		.executeTakeFirstOrThrow();
}
