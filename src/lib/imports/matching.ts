// Which supporter an imported gift belongs to. Pure: the candidates come in as data (loaded by
// src/lib/server/imports/candidates.ts), so the rules test in milliseconds.
import type { ImportRow } from './import-row.ts';
import { compactKid, isPersonalKid } from '../supporters/kid.ts';

export interface MatchCandidate {
	id: string;
	name: string;
	email: string | null;
	phone: string | null;
	reference: string | null;
	/** The supporter's personal KID. */
	kid: string;
	/** The KIDs of supporters merged into this one: a transfer still paying with one is theirs. */
	formerKids?: string[];
}

export type MatchReason = 'reference' | 'email' | 'phone' | 'name' | 'none';

export interface SupporterMatch {
	supporterId: string | null;
	reason: MatchReason;
	/** True when an identifier the supporter gave (KID, email, phone) matched; names only suggest. */
	isCertain: boolean;
}

export type MatchableRow = Pick<ImportRow, 'kid' | 'message' | 'email' | 'phone' | 'payerName'>;

/** A reference as compared: no spaces, any case. */
export function normaliseReference(reference: string): string {
	return reference.replace(/\s+/g, '').toLowerCase();
}

/**
 * A phone number as compared: digits only, a leading + kept, and Norwegian numbers reduced to
 * their eight digits whether written 412 34 567, +47 412 34 567 or 0047 41234567.
 */
export function normalisePhone(phone: string | null | undefined): string | null {
	if (!phone) return null;
	let digits = phone.replace(/[^\d+]/g, '').replace(/(?!^)\+/g, '');
	if (digits.startsWith('00')) digits = `+${digits.slice(2)}`;
	if (digits.startsWith('+47') && digits.length === 11) digits = digits.slice(3);
	else if (digits.startsWith('47') && digits.length === 10) digits = digits.slice(2);
	return digits.replace(/\+/g, '').length >= 5 ? digits : null;
}

const letterFolds: Record<string, string> = { ø: 'o', æ: 'ae', ß: 'ss', đ: 'd', ł: 'l', ı: 'i' };

/**
 * A name as compared: no case, no accents (Å → a, Ø → o), words in alphabetical order, since
 * banks write "AHMADI LAILA" for Laila Ahmadi.
 */
export function foldName(name: string): string {
	return name
		.normalize('NFKD')
		.replace(/\p{M}/gu, '')
		.toLowerCase()
		.replace(/[øæßđłı]/g, (letter) => letterFolds[letter])
		.split(/[^\p{L}\p{N}]+/u)
		.filter(Boolean)
		.sort()
		.join(' ');
}

/** The words of a message that could be a supporter's reference ("Gave 10042" → "10042"). */
export function referenceWords(text: string): string[] {
	return text
		.split(/[\s,;:()/\\]+/)
		.map((word) => word.replace(/^[.#]+|[.]+$/g, ''))
		.filter((word) => word.length >= 3 && /\d/.test(word))
		.map(normaliseReference);
}

function editDistance(a: string, b: string): number {
	let previous = Array.from({ length: b.length + 1 }, (_, i) => i);
	for (let i = 1; i <= a.length; i++) {
		const current = [i];
		for (let j = 1; j <= b.length; j++) {
			current[j] = Math.min(
				previous[j] + 1,
				current[j - 1] + 1,
				previous[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1)
			);
		}
		previous = current;
	}
	return previous[b.length];
}

function foldedSimilarity(left: string, right: string): number {
	if (!left || !right) return 0;
	return 1 - editDistance(left, right) / Math.max(left.length, right.length);
}

/** 1 for the same folded name, falling towards 0 as more letters differ. */
export function nameSimilarity(a: string, b: string): number {
	return foldedSimilarity(foldName(a), foldName(b));
}

const FUZZY_THRESHOLD = 0.8;
/** Names sharing fewer of their letter triples than this are not compared letter by letter. */
const TRIGRAM_PREFILTER = 0.3;

/** The letter triples of a folded name, as pg_trgm counts them ("  b", " be", "ber", "erg", "rg "). */
function trigrams(folded: string): Set<string> {
	const triples = new Set<string>();
	for (const word of folded.split(' ')) {
		if (!word) continue;
		const padded = `  ${word} `;
		for (let i = 0; i + 3 <= padded.length; i++) triples.add(padded.slice(i, i + 3));
	}
	return triples;
}

export interface MatchIndex {
	byKid: Map<string, MatchCandidate>;
	byReference: Map<string, MatchCandidate>;
	byEmail: Map<string, MatchCandidate>;
	byPhone: Map<string, MatchCandidate[]>;
	byName: Map<string, MatchCandidate[]>;
	candidates: MatchCandidate[];
	/** Each candidate's folded name, by position in `candidates`. */
	foldedNames: string[];
	/** Which candidates (by position) have each letter triple in their name. */
	byTrigram: Map<string, number[]>;
	/** The folded names compared by likeness; when absent, every name is. */
	likenessNames?: Set<string>;
	/** Each folded name's ranking, worked out once (matching and offering both ask). */
	rankings: Map<string, { candidate: MatchCandidate; score: number }[]>;
}

function push<K, V>(map: Map<K, V[]>, key: K, value: V) {
	const values = map.get(key);
	if (values) values.push(value);
	else map.set(key, [value]);
}

export function indexCandidates(
	candidates: MatchCandidate[],
	likenessNames?: Set<string>
): MatchIndex {
	const index: MatchIndex = {
		likenessNames,
		rankings: new Map(),
		byKid: new Map(),
		byReference: new Map(),
		byEmail: new Map(),
		byPhone: new Map(),
		byName: new Map(),
		candidates,
		foldedNames: [],
		byTrigram: new Map()
	};
	candidates.forEach((candidate, position) => {
		if (candidate.kid) index.byKid.set(candidate.kid, candidate);
		for (const kid of candidate.formerKids ?? [])
			if (!index.byKid.has(kid)) index.byKid.set(kid, candidate);
		if (candidate.reference)
			index.byReference.set(normaliseReference(candidate.reference), candidate);
		if (candidate.email) index.byEmail.set(candidate.email.trim().toLowerCase(), candidate);
		const phone = normalisePhone(candidate.phone);
		if (phone) push(index.byPhone, phone, candidate);
		const name = foldName(candidate.name);
		index.foldedNames.push(name);
		if (!name) return;
		push(index.byName, name, candidate);
		for (const triple of trigrams(name)) push(index.byTrigram, triple, position);
	});
	return index;
}

const found = (candidate: MatchCandidate, reason: MatchReason, isCertain: boolean) => ({
	supporterId: candidate.id,
	reason,
	isCertain
});

/**
 * The supporter an imported gift most likely belongs to: by the KID or reference the payer quoted,
 * then email, then phone (each certain), then by name — the same name, or failing that one close
 * enough — only as a suggestion. Several supporters with the same phone or name suggest none.
 */
export function matchImportRow(row: MatchableRow, index: MatchIndex): SupporterMatch {
	if (row.kid) {
		const byKid =
			index.byKid.get(compactKid(row.kid)) ?? index.byReference.get(normaliseReference(row.kid));
		if (byKid) return found(byKid, 'reference', true);
	}
	if (row.email) {
		const byEmail = index.byEmail.get(row.email.trim().toLowerCase());
		if (byEmail) return found(byEmail, 'email', true);
	}
	const phone = normalisePhone(row.phone);
	const byPhone = phone ? index.byPhone.get(phone) : undefined;
	if (byPhone?.length === 1) return found(byPhone[0], 'phone', true);
	// A reference typed into the message ("Gave 10042") is likely but not sure: it may be a number
	// that only looks like one.
	for (const word of referenceWords(row.message)) {
		// A personal KID, check digit and all, is as sure in the message as in the KID field.
		const byPersonalKid = isPersonalKid(word) ? index.byKid.get(word) : undefined;
		if (byPersonalKid) return found(byPersonalKid, 'reference', true);
		const byWord = index.byReference.get(word);
		if (byWord) return found(byWord, 'reference', false);
	}
	const name = foldName(row.payerName);
	if (name) {
		const sameName = index.byName.get(name);
		if (sameName?.length === 1) return found(sameName[0], 'name', false);
		if (!sameName) {
			const [best, second] = rankByName(name, index);
			if (best && best.score >= FUZZY_THRESHOLD && best.score !== second?.score)
				return found(best.candidate, 'name', false);
		}
	}
	return { supporterId: null, reason: 'none', isCertain: false };
}

/**
 * Candidates whose names come close to a folded name, closest first. Only those sharing a fair
 * part of its letter triples are compared letter by letter, so a file of hundreds of rows against
 * thousands of candidates stays quick.
 */
function rankByName(folded: string, index: MatchIndex) {
	if (index.likenessNames && !index.likenessNames.has(folded)) return [];
	let ranked = index.rankings.get(folded);
	if (!ranked) {
		ranked = rankByTrigrams(folded, index);
		index.rankings.set(folded, ranked);
	}
	return ranked;
}

function rankByTrigrams(folded: string, index: MatchIndex) {
	const triples = trigrams(folded);
	const shared = new Map<number, number>();
	for (const triple of triples) {
		for (const position of index.byTrigram.get(triple) ?? []) {
			shared.set(position, (shared.get(position) ?? 0) + 1);
		}
	}
	const ranked: { candidate: MatchCandidate; score: number }[] = [];
	for (const [position, count] of shared) {
		if (count < triples.size * TRIGRAM_PREFILTER) continue;
		const score = foldedSimilarity(folded, index.foldedNames[position]);
		if (score >= FUZZY_THRESHOLD - 0.15)
			ranked.push({ candidate: index.candidates[position], score });
	}
	return ranked.sort((a, b) => b.score - a.score);
}

/** Supporters whose names come close to the payer's, closest first: the choices offered to staff. */
export function similarCandidates(
	row: Pick<ImportRow, 'payerName'>,
	index: MatchIndex,
	limit = 5
): MatchCandidate[] {
	const folded = foldName(row.payerName);
	if (!folded) return [];
	return rankByName(folded, index)
		.slice(0, limit)
		.map(({ candidate }) => candidate);
}

/**
 * The supporters a row could equally be, when no identifier settled it: everyone with the payer's
 * name (in any word order and case). Two or more means staff must choose; the import never guesses
 * "new" for a name it already knows twice.
 */
export function sameNameCandidates(
	row: Pick<ImportRow, 'payerName'>,
	index: MatchIndex
): MatchCandidate[] {
	const name = foldName(row.payerName);
	return name ? (index.byName.get(name) ?? []) : [];
}
