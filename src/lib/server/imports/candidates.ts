import { sql, type Kysely, type Transaction } from 'kysely';
import {
	foldName,
	normalisePhone,
	normaliseReference,
	referenceWords,
	type MatchCandidate,
	type MatchableRow
} from '../../imports/matching.ts';
import type { Database } from '../db-schema.ts';

type Db = Kysely<Database> | Transaction<Database>;

const LIMIT_PER_QUERY = 2000;
const MAX_NAMES = 300;

// The expression of supporter_search_trgm_idx, written the same way so the planner uses it.
const searchText = sql<string>`lower(coalesce(name, '') || ' ' || coalesce(email, '') || ' ' || coalesce(phone, '') || ' ' || coalesce(reference, ''))`;

const unique = <T>(values: T[]) => [...new Set(values)];

/**
 * The supporters the rows of one file could belong to, in three queries whatever the file's
 * length: by reference or email (indexed), by the last eight digits of a phone number, and by
 * names that come close (the trigram index). Merged and erased supporters are never offered.
 */
export async function loadMatchCandidates(db: Db, rows: MatchableRow[]): Promise<MatchCandidate[]> {
	const references = unique(
		rows.flatMap((row) => [
			...(row.kid ? [normaliseReference(row.kid)] : []),
			...referenceWords(row.message)
		])
	);
	const emails = unique(rows.flatMap((row) => (row.email ? [row.email.trim().toLowerCase()] : [])));
	const phoneEndings = unique(
		rows.flatMap((row) => {
			const phone = normalisePhone(row.phone);
			return phone ? [phone.replace(/\D/g, '').slice(-8)] : [];
		})
	);
	const names = unique(
		rows.map((row) => row.payerName.toLowerCase().trim()).filter((name) => foldName(name) !== '')
	).slice(0, MAX_NAMES);

	const base = () =>
		db
			.selectFrom('supporter')
			.select(['id', 'name', 'email', 'phone', 'reference'])
			.where('merged_into', 'is', null)
			.where('erased_at', 'is', null)
			.limit(LIMIT_PER_QUERY);

	const found: MatchCandidate[][] = [];
	if (references.length > 0 || emails.length > 0) {
		found.push(
			await base()
				.where((eb) =>
					eb.or([
						...(references.length > 0
							? [eb(sql`lower(replace(reference, ' ', ''))`, 'in', references)]
							: []),
						...(emails.length > 0 ? [eb(sql`lower(email)`, 'in', emails)] : [])
					])
				)
				.execute()
		);
	}
	if (phoneEndings.length > 0) {
		found.push(
			await base()
				.where('phone', 'is not', null)
				.where(sql`right(regexp_replace(phone, '[^0-9]', '', 'g'), 8)`, 'in', phoneEndings)
				.execute()
		);
	}
	if (names.length > 0) {
		found.push(
			await base()
				.where((eb) => eb.or(names.map((name) => sql<boolean>`${name} <% ${searchText}`)))
				.execute()
		);
	}
	const byId = new Map<string, MatchCandidate>();
	for (const candidate of found.flat()) byId.set(candidate.id, candidate);
	return [...byId.values()];
}
