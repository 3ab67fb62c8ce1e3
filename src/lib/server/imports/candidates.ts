import { sql, type Kysely, type Transaction } from 'kysely';
import { compactKid, isPersonalKid } from '../../supporters/kid.ts';
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

type Db = Kysely<Database> | Transaction<Database>;

const NAME_CANDIDATES = 10;
/**
 * Names nobody has are looked up by likeness for this many rows of a file, the first ones (those
 * the preview shows first): each costs 10–30 ms of the trigram index, so 10,000 new payers took
 * minutes. Further rows with a name nobody has are offered as new supporters.
 */
const SIMILAR_NAME_LOOKUPS = 100;

const unique = <T>(values: T[]) => [...new Set(values)];

const candidateColumns = ['id', 'name', 'email', 'phone', 'reference', 'kid'] as const;

// No limit: the rows of a 10,000-row statement name thousands of supporters by KID or name, and
// a supporter cut off here would be offered as a new one.
function active(db: Db) {
	return db
		.selectFrom('supporter')
		.select(candidateColumns)
		.where('merged_into', 'is', null)
		.where('erased_at', 'is', null);
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
	const kids = unique(
		rows.flatMap((row) => [
			...(row.kid ? [compactKid(row.kid)] : []),
			...referenceWords(row.message).filter(isPersonalKid)
		])
	);
	if (kids.length > 0) found.push(...(await byFormerKids(db, kids)));
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

/**
 * The supporters that supporters with these KIDs were merged into, each with the KIDs it took
 * over: a merge keeps the gifts coming to the one left, even from a payer's saved bank payment.
 */
async function byFormerKids(db: Db, kids: string[]): Promise<MatchCandidate[]> {
	let merged = await db
		.selectFrom('supporter')
		.select(['kid', 'merged_into'])
		.where('kid', 'in', kids)
		.where('merged_into', 'is not', null)
		.execute();
	const survivors: MatchCandidate[] = [];
	// A supporter merged into one that was later merged too: follow the chain to its end.
	for (let hop = 0; merged.length > 0 && hop < 5; hop++) {
		const formerKidsOf = new Map<string, string[]>();
		for (const { kid, merged_into } of merged) {
			formerKidsOf.set(merged_into!, [...(formerKidsOf.get(merged_into!) ?? []), kid]);
		}
		const next = await db
			.selectFrom('supporter')
			.select([...candidateColumns, 'merged_into', 'erased_at'])
			.where('id', 'in', [...formerKidsOf.keys()])
			.execute();
		merged = [];
		for (const { merged_into, erased_at, ...supporter } of next) {
			const formerKids = formerKidsOf.get(supporter.id) ?? [];
			if (merged_into) merged.push(...formerKids.map((kid) => ({ kid, merged_into })));
			else if (!erased_at) survivors.push({ ...supporter, formerKids });
		}
	}
	return survivors;
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
 * same name in any word order (the lower(name) index), then — for the first names nobody has —
 * the ten closest to each through the names' trigram GiST index.
 */
async function byNames(
	db: Db,
	names: string[]
): Promise<{ candidates: MatchCandidate[]; likenessNames: Set<string> }> {
	const likenessNames = new Set<string>();
	if (names.length === 0) return { candidates: [], likenessNames };
	// One array, not a parameter per word order: 10,000 payers make 60,000 of them.
	const sameName = await active(db)
		.where(sql<boolean>`lower(name) = any(${unique(names.flatMap(wordOrders))}::text[])`)
		.execute();
	const known = new Set(sameName.map((candidate) => foldName(candidate.name)));
	const unknown = names.filter((name) => !known.has(foldName(name))).slice(0, SIMILAR_NAME_LOOKUPS);
	for (const name of unknown) likenessNames.add(foldName(name));
	if (unknown.length === 0) return { candidates: sameName, likenessNames };
	// Nearest first by trigram distance (the GiST index supporter_name_trgm_gist), then only
	// those that share at least a third of their letter triples.
	const closest = await sql<MatchCandidate>`
		select close.id, close.name, close.email, close.phone, close.reference, close.kid
		from unnest(${unknown}::text[]) as wanted(name)
		cross join lateral (
			select id, name, email, phone, reference, kid, lower(name) <-> wanted.name as distance
			from supporter
			where merged_into is null and erased_at is null
			order by lower(name) <-> wanted.name
			limit ${NAME_CANDIDATES}
		) as close
		where close.distance < 0.7`.execute(db);
	return { candidates: [...sameName, ...closest.rows], likenessNames };
}

/**
 * The supporters the rows of one file could belong to, in a handful of queries whatever the
 * file's length. Names are only looked up for rows a KID, email or phone did not settle. Merged
 * and erased supporters are never offered. `likenessNames` are the folded names compared by
 * likeness (the others only by their exact name): pass them to indexCandidates.
 */
export async function loadMatchCandidates(
	db: Db,
	rows: MatchableRow[]
): Promise<{ candidates: MatchCandidate[]; likenessNames: Set<string> }> {
	const identified = await byIdentifiers(db, rows);
	const index = indexCandidates(identified);
	const names = unique(
		rows
			.filter((row) => !matchImportRow(row, index).isCertain)
			.map((row) => row.payerName.toLowerCase().replace(/\s+/g, ' ').trim())
			.filter((name) => foldName(name) !== '')
	);
	const named = await byNames(db, names);
	const byId = new Map<string, MatchCandidate>();
	for (const candidate of [...identified, ...named.candidates]) {
		const formerKids = [
			...(byId.get(candidate.id)?.formerKids ?? []),
			...(candidate.formerKids ?? [])
		];
		byId.set(candidate.id, formerKids.length > 0 ? { ...candidate, formerKids } : candidate);
	}
	return { candidates: [...byId.values()], likenessNames: named.likenessNames };
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
