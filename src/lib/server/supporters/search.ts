import { sql, type Kysely, type RawBuilder, type SqlBool } from 'kysely';
import { normaliseSearch } from '../../lists/cursor.ts';
import { numberQuery } from '../../supporters/search-query.ts';
import { escapeLike } from '../db/keyset.ts';
import type { Database } from '../db/schema.ts';

// Finding a supporter by what staff remember: part of the name, email, phone or giving reference.
//
// From three characters on, each word must appear somewhere in name, email, phone and reference
// together, which the trigram index `supporter_search_trgm_idx` answers; the expression below is
// the index's own, so PostgreSQL uses it. One or two characters make no trigram: they match the
// start of the name or the email instead (the text_pattern_ops indexes).

/** The indexed search text of the supporter table under `alias`. */
export function searchText(alias: string): RawBuilder<string> {
	const column = (name: string) => sql.ref(`${alias}.${name}`);
	return sql<string>`lower(coalesce(${column('name')}, '') || ' ' || coalesce(${column('email')}, '') || ' ' || coalesce(${column('phone')}, '') || ' ' || coalesce(${column('reference')}, '') || ' ' || ${column('kid')} || ' ' || regexp_replace(coalesce(${column('phone')}, ''), '[^0-9]', '', 'g'))`;
}

export function supporterSearchCondition(query: string, alias = 's'): RawBuilder<SqlBool> | null {
	// "412 34 567" or "+47 412 34 567" is one number, found among the phone's digits and the KID.
	const text = numberQuery(query) ?? normaliseSearch(query);
	if (!text) return null;
	const words = text.split(' ');
	if (words.some((word) => word.length >= 3)) {
		const haystack = searchText(alias);
		return sql<SqlBool>`(${sql.join(
			words.map((word) => sql`${haystack} like ${`%${escapeLike(word)}%`}`),
			sql` and `
		)})`;
	}
	const prefix = `${escapeLike(text)}%`;
	return sql<SqlBool>`(lower(${sql.ref(`${alias}.name`)}) like ${prefix} or lower(${sql.ref(`${alias}.email`)}) like ${prefix})`;
}

/** Supporters for the gift form's picker, found the way the supporter list finds them. */
export async function findSupporterCandidates(db: Kysely<Database>, text: string, limit = 10) {
	const matches = supporterSearchCondition(text, 'supporter');
	if (!matches) return [];
	return db
		.selectFrom('supporter')
		.select(['id', 'name', 'email', 'phone', 'reference'])
		.where('merged_into', 'is', null)
		.where('erased_at', 'is', null)
		.where(matches)
		.orderBy('name')
		.limit(limit)
		.execute();
}

/** The supporter chosen in the gift form's picker. */
export async function findSupporterSummary(db: Kysely<Database>, id: string) {
	return db
		.selectFrom('supporter')
		.select(['id', 'name', 'email', 'phone', 'reference'])
		.where('id', '=', id)
		.executeTakeFirst();
}
