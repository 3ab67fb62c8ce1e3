// Which supporter an imported gift belongs to. Pure: the candidates come in as data (loaded by
// src/lib/server/imports/candidates.ts), so the rules test in milliseconds.
import type { ImportRow } from './import-row.ts';

export interface MatchCandidate {
	id: string;
	name: string;
	email: string | null;
	phone: string | null;
	reference: string | null;
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

/** 1 for the same folded name, falling towards 0 as more letters differ. */
export function nameSimilarity(a: string, b: string): number {
	const left = foldName(a);
	const right = foldName(b);
	if (!left || !right) return 0;
	return 1 - editDistance(left, right) / Math.max(left.length, right.length);
}

const FUZZY_THRESHOLD = 0.8;

export interface MatchIndex {
	byReference: Map<string, MatchCandidate>;
	byEmail: Map<string, MatchCandidate>;
	byPhone: Map<string, MatchCandidate[]>;
	byName: Map<string, MatchCandidate[]>;
	candidates: MatchCandidate[];
}

function push<K, V>(map: Map<K, V[]>, key: K, value: V) {
	const values = map.get(key);
	if (values) values.push(value);
	else map.set(key, [value]);
}

export function indexCandidates(candidates: MatchCandidate[]): MatchIndex {
	const index: MatchIndex = {
		byReference: new Map(),
		byEmail: new Map(),
		byPhone: new Map(),
		byName: new Map(),
		candidates
	};
	for (const candidate of candidates) {
		if (candidate.reference)
			index.byReference.set(normaliseReference(candidate.reference), candidate);
		if (candidate.email) index.byEmail.set(candidate.email.trim().toLowerCase(), candidate);
		const phone = normalisePhone(candidate.phone);
		if (phone) push(index.byPhone, phone, candidate);
		const name = foldName(candidate.name);
		if (name) push(index.byName, name, candidate);
	}
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
		const byKid = index.byReference.get(normaliseReference(row.kid));
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
		const byWord = index.byReference.get(word);
		if (byWord) return found(byWord, 'reference', false);
	}
	const name = foldName(row.payerName);
	if (name) {
		const sameName = index.byName.get(name);
		if (sameName?.length === 1) return found(sameName[0], 'name', false);
		if (!sameName) {
			const close = similarCandidates(row, index, 2);
			const [best, second] = close.map((c) => nameSimilarity(row.payerName, c.name));
			if (best !== undefined && best >= FUZZY_THRESHOLD && best !== second)
				return found(close[0], 'name', false);
		}
	}
	return { supporterId: null, reason: 'none', isCertain: false };
}

/** Supporters whose names come close to the payer's, closest first: the choices offered to staff. */
export function similarCandidates(
	row: Pick<ImportRow, 'payerName'>,
	index: MatchIndex,
	limit = 5
): MatchCandidate[] {
	if (!foldName(row.payerName)) return [];
	return index.candidates
		.map((candidate) => ({ candidate, score: nameSimilarity(row.payerName, candidate.name) }))
		.filter(({ score }) => score >= FUZZY_THRESHOLD - 0.15)
		.sort((a, b) => b.score - a.score)
		.slice(0, limit)
		.map(({ candidate }) => candidate);
}
