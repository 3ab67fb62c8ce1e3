import { sql, type Kysely, type Transaction } from 'kysely';
import type { Database, NewSupporter, Supporter } from '../db/schema.ts';
import { withSummariesByStatement } from '../db/summaries.ts';
import { isLocale } from '../../locales.ts';

type Db = Kysely<Database> | Transaction<Database>;

export async function findSupporterByEmail(db: Db, email: string): Promise<Supporter | undefined> {
	return db
		.selectFrom('supporter')
		.selectAll()
		.where(sql<string>`lower(email)`, '=', email.trim().toLowerCase())
		.executeTakeFirst();
}

/**
 * Payers an import found new (no email: nothing could make them someone known), in statements of
 * ten thousand, with their summary rows made by one statement per table.
 */
export async function createImportedSupporters(
	trx: Transaction<Database>,
	payers: { id: string; name: string; phone: string | null }[]
): Promise<void> {
	for (let start = 0; start < payers.length; start += 10_000) {
		const chunk = payers.slice(start, start + 10_000);
		const ids = chunk.map((payer) => payer.id);
		await withSummariesByStatement(trx, () =>
			sql`
				insert into supporter (id, name, phone)
				select * from unnest(
					${ids}::uuid[],
					${chunk.map((payer) => payer.name)}::text[],
					${chunk.map((payer) => payer.phone)}::text[]
				)`.execute(trx)
		);
		await sql`select komak_open_supporter_summaries(${ids}::uuid[])`.execute(trx);
	}
}

/**
 * The supporter with this email, created if new. Safe when two requests race: the unique index on
 * lower(email) decides, and both get the same row. Existing details (name, Stripe customer) are
 * only filled in, never overwritten by what a form says.
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
					stripe_customer_id: sql<string>`coalesce(supporter.stripe_customer_id, excluded.stripe_customer_id)`,
					updated_at: sql`now()`
				})
		)
		.returningAll()
		.executeTakeFirstOrThrow();
}

/**
 * The supporter behind a Stripe customer: matched by the customer id, then by email (any case),
 * else created. The customer id is then remembered on the supporter.
 */
export async function findOrCreateStripeSupporter(
	db: Db,
	{
		customerId,
		email,
		name,
		locale
	}: { customerId: string | null; email: string | null; name?: string; locale?: string }
): Promise<Supporter> {
	const preferredLocale = isLocale(locale) ? locale : undefined;
	if (customerId && email) {
		// One statement, one round trip (this runs for every card gift): the supporter already
		// linked to the customer, else the one with this email (filled in), else a new one.
		const { rows } = await sql<Supporter>`
			with known as (
				select * from supporter where stripe_customer_id = ${customerId}
			), found_or_created as (
				insert into supporter (email, name, stripe_customer_id, preferred_locale)
				select ${email.trim()}, ${name ?? ''}, ${customerId}, ${preferredLocale ?? 'en'}
				where not exists (select from known)
				on conflict (lower(email)) where email is not null do update set
					name = case when supporter.name = '' then excluded.name else supporter.name end,
					stripe_customer_id = coalesce(supporter.stripe_customer_id, excluded.stripe_customer_id),
					updated_at = now()
				returning *
			)
			select * from known union all select * from found_or_created`.execute(db);
		return rows[0];
	}
	if (customerId) {
		const known = await db
			.selectFrom('supporter')
			.selectAll()
			.where('stripe_customer_id', '=', customerId)
			.executeTakeFirst();
		if (known) return known;
	}
	if (email) {
		return findOrCreateSupporterByEmail(db, {
			email,
			name: name ?? '',
			stripe_customer_id: customerId,
			...(preferredLocale && { preferred_locale: preferredLocale })
		});
	}
	return db
		.insertInto('supporter')
		.values({ name: name ?? '', stripe_customer_id: customerId })
		.returningAll()
		.executeTakeFirstOrThrow();
}

/** A supporter's consent to be contacted, given at `at` where they read `wording`. */
const consentGiven = (at: Date, wording: string, source: 'appeal' | 'my_giving') => ({
	has_contact_consent: true,
	contact_consent_at: at,
	contact_consent_wording: wording,
	contact_consent_source: source,
	updated_at: sql<Date>`now()`
});

/**
 * The supporter ticked "you may contact me" on the appeal: kept with its time and the words they
 * saw. A consent already given stays as it was first given (and a refusal staff recorded since
 * is not overturned by an old checkout: only a supporter without consent gets it).
 */
export async function recordContactConsent(
	db: Db,
	supporterId: string,
	wording: string | null | undefined,
	at: Date = new Date()
): Promise<void> {
	if (!wording) return;
	await db
		.updateTable('supporter')
		.set(consentGiven(at, wording, 'appeal'))
		.where('id', '=', supporterId)
		.where('has_contact_consent', '=', false)
		.where('erased_at', 'is', null)
		.execute();
}

/**
 * The supporter's own answer on "My giving": consent given there is kept with its time and the
 * words the page showed them; withdrawing it keeps when. Saving the same answer again changes
 * nothing, so the first time given stays. Returns whether anything changed.
 */
export async function setOwnContactConsent(
	db: Db,
	supporterId: string,
	answer: { isGiven: true; wording: string } | { isGiven: false },
	at: Date = new Date()
): Promise<boolean> {
	const changed = await db
		.updateTable('supporter')
		.set(
			answer.isGiven
				? consentGiven(at, answer.wording, 'my_giving')
				: {
						has_contact_consent: false,
						contact_consent_at: null,
						contact_consent_withdrawn_at: at,
						contact_consent_source: 'my_giving',
						updated_at: sql`now()`
					}
		)
		.where('id', '=', supporterId)
		.where('has_contact_consent', '=', !answer.isGiven)
		.where('erased_at', 'is', null)
		.executeTakeFirst();
	return changed.numUpdatedRows > 0n;
}

/** Whether the supporter agreed to hear from the newsroom, and since when: for "My giving". */
export async function findContactConsent(
	db: Db,
	supporterId: string
): Promise<{ isGiven: boolean; givenAt: Date | null }> {
	const row = await db
		.selectFrom('supporter')
		.select(['has_contact_consent', 'contact_consent_at'])
		.where('id', '=', supporterId)
		.executeTakeFirstOrThrow();
	return { isGiven: row.has_contact_consent, givenAt: row.contact_consent_at };
}
