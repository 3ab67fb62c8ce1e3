import { sql, type RawBuilder, type SqlBool } from 'kysely';
import { normaliseSearch } from '../../lists/cursor.ts';
import { escapeLike } from '../db/keyset.ts';

// Finding a supporter by what staff remember: part of the name, email, phone or giving reference.
//
// From three characters on, each word must appear somewhere in name, email, phone and reference
// together, which the trigram index `supporter_search_trgm_idx` answers; the expression below is
// the index's own, so PostgreSQL uses it. One or two characters make no trigram: they match the
// start of the name or the email instead (the text_pattern_ops indexes).

/** The indexed search text of the supporter table under `alias`. */
export function searchText(alias: string): RawBuilder<string> {
	const column = (name: string) => sql.ref(`${alias}.${name}`);
	return sql<string>`lower(coalesce(${column('name')}, '') || ' ' || coalesce(${column('email')}, '') || ' ' || coalesce(${column('phone')}, '') || ' ' || coalesce(${column('reference')}, ''))`;
}

export function supporterSearchCondition(query: string, alias = 's'): RawBuilder<SqlBool> | null {
	const text = normaliseSearch(query);
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
