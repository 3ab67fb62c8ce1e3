// What the admin lists' queries and their URLs share about pages, without the URL parsing (and
// zod) of admin-filters.ts, so the exports can run in a lean process.

export const PAGE_SIZE = 50;

export type SortDirection = 'asc' | 'desc';

/** Where a keyset page starts: after (next page) or before (previous page) a row's sort key. */
export interface PageCursor {
	sort: string;
	direction: SortDirection;
	/** `after` pages forward from the row, `before` back towards the first page. */
	side: 'after' | 'before';
	/** The row's sort value: text, a number, or microseconds since 1970 for timestamps. */
	value: string | number | null;
	id: string;
}

export function encodeCursor(cursor: PageCursor): string {
	const bytes = new TextEncoder().encode(JSON.stringify(cursor));
	let binary = '';
	for (const byte of bytes) binary += String.fromCharCode(byte);
	return btoa(binary).replaceAll('+', '-').replaceAll('/', '_').replace(/=+$/, '');
}

/** Search text as the queries compare it: trimmed, lower case, single spaces. */
export function normaliseSearch(text: string): string {
	return text.trim().replace(/\s+/g, ' ').toLowerCase();
}
