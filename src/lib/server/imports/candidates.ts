import { sql, type Kysely, type Transaction } from 'kysely';
import {
	foldName,
	indexCandidates,
	matchImportRow,
	normalisePhone,
	normaliseReference,
	referenceWords,
	type MatchCandidate,
	type MatchableRow
} from '../../imports/matching.ts';
import type { Database } from '../db/schema.ts';
import { searchText as supporterSearchText } from '../supporters/search.ts';

type Db = Kysely<Database> | Transaction<Database>;

const LIMIT_PER_QUERY = 2000;
const NAME_CANDIDATES = 10;

// The expression of supporter_search_trgm_idx, written the same way so the planner uses it.
const searchText = supporterSearchText('supporter');

const unique = <T>(values: T[]) => [...new Set(values)];

const candidateColumns = ['id', 'name', 'email', 'phone', 'reference', 'kid'] as const;

function active(db: Db) {
	return db
		.selectFrom('supporter')
		.select(candidateColumns)
		.where('merged_into', 'is', null)
		.where('erased_at', 'is', null)
		.limit(LIMIT_PER_QUERY);
}

/** Supporters named by an identifier a row carries: a reference (KID), an email or a phone. */
async function byIdentifiers(db: Db, rows: MatchableRow[]): Promise<MatchCandidate[]> {
	const references = unique(
		rows.flatMap((row) => [
			...(row.kid ? [normaliseReference(row.kid)] : []),
			...referenceWords(row.message)
		])
	).flatMap((reference) => [reference, reference.toUpperCase()]);
	const emails = unique(rows.flatMap((row) => (row.email ? [row.email.trim().toLowerCase()] : [])));
	const phoneEndings = unique(
		rows.flatMap((row) => {
			const phone = normalisePhone(row.phone);
			return phone ? [phone.replace(/\D/g, '').slice(-8)] : [];
		})
	);
	const found: MatchCandidate[] = [];
	if (references.length > 0 || emails.length > 0) {
		found.push(
			...(await active(db)
				.where((eb) =>
					eb.or([
						...(references.length > 0
							? [eb('reference', 'in', unique(references)), eb('kid', 'in', unique(references))]
							: []),
						...(emails.length > 0 ? [eb(sql`lower(email)`, 'in', emails)] : [])
					])
				)
				.execute())
		);
	}
	if (phoneEndings.length > 0) {
		// Phones are stored as typed; their last eight digits find a Norwegian number however written.
		found.push(
			...(await active(db)
				.where('phone', 'is not', null)
				.where(sql`right(regexp_replace(phone, '[^0-9]', '', 'g'), 8)`, 'in', phoneEndings)
				.execute())
		);
	}
	return found;
}

/** "AHMADI LAILA" is looked up as "ahmadi laila" and "laila ahmadi" (names of up to three words). */
function wordOrders(name: string): string[] {
	const words = name.toLowerCase().split(/\s+/).filter(Boolean);
	if (words.length < 2 || words.length > 3) return [words.join(' ')];
	const orders =
		words.length === 2
			? [
					[0, 1],
					[1, 0]
				]
			: [
					[0, 1, 2],
					[0, 2, 1],
					[1, 0, 2],
					[1, 2, 0],
					[2, 0, 1],
					[2, 1, 0]
				];
	return orders.map((order) => order.map((i) => words[i]).join(' '));
}

/**
 * Supporters whose names come close to the payers', for the rows no identifier settled: first the
 * same name in any word order (the lower(name) index), then — for names nobody has — the ten
 * closest to each through the trigram index, which costs a few milliseconds per name.
 */
async function byNames(db: Db, names: string[]): Promise<MatchCandidate[]> {
	if (names.length === 0) return [];
	const sameName = await active(db)
		.where(sql`lower(name)`, 'in', unique(names.flatMap(wordOrders)))
		.execute();
	const known = new Set(sameName.map((candidate) => foldName(candidate.name)));
	const unknown = names.filter((name) => !known.has(foldName(name)));
	if (unknown.length === 0) return sameName;
	const closest = await sql<MatchCandidate>`
		select close.id, close.name, close.email, close.phone, close.reference, close.kid
		from unnest(${unknown}::text[]) as wanted(name)
		cross join lateral (
			select id, name, email, phone, reference, kid from supporter
			where wanted.name <% ${searchText} and merged_into is null and erased_at is null
			order by word_similarity(wanted.name, ${searchText}) desc, id
			limit ${NAME_CANDIDATES}
		) as close`.execute(db);
	return [...sameName, ...closest.rows];
}

/**
 * The supporters the rows of one file could belong to, in a handful of queries whatever the
 * file's length. Names are only looked up for rows a KID, email or phone did not settle. Merged
 * and erased supporters are never offered.
 */
export async function loadMatchCandidates(db: Db, rows: MatchableRow[]): Promise<MatchCandidate[]> {
	const identified = await byIdentifiers(db, rows);
	const index = indexCandidates(identified);
	const names = unique(
		rows
			.filter((row) => !matchImportRow(row, index).isCertain)
			.map((row) => row.payerName.toLowerCase().replace(/\s+/g, ' ').trim())
			.filter((name) => foldName(name) !== '')
	);
	const byId = new Map<string, MatchCandidate>();
	for (const candidate of [...identified, ...(await byNames(db, names))]) {
		byId.set(candidate.id, candidate);
	}
	return [...byId.values()];
}

/** Each supporter's latest gift that counts, to tell apart supporters who share a name. */
export async function findLastGifts(db: Db, supporterIds: string[]) {
	const lastGifts = new Map<string, { amountMinor: number; currency: string; receivedAt: Date }>();
	const ids = unique(supporterIds);
	for (let start = 0; start < ids.length; start += 500) {
		const rows = await db
			.selectFrom('contribution')
			.distinctOn('supporter_id')
			.select(['supporter_id', 'amount_minor', 'currency', 'received_at'])
			.where('supporter_id', 'in', ids.slice(start, start + 500))
			.where('status', 'in', ['succeeded', 'partially_refunded', 'refunded', 'disputed'])
			.orderBy('supporter_id')
			.orderBy('received_at', 'desc')
			.execute();
		for (const row of rows) {
			lastGifts.set(row.supporter_id, {
				amountMinor: row.amount_minor,
				currency: row.currency,
				receivedAt: row.received_at
			});
		}
	}
	return lastGifts;
}
