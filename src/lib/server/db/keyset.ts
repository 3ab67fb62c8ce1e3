import { sql, type RawBuilder, type SqlBool } from 'kysely';
import {
	encodeCursor,
	PAGE_SIZE,
	type PageCursor,
	type SortDirection
} from '../../lists/cursor.ts';

// Keyset pagination: a page starts after (or before) the last row seen, by its sort value and id,
// so page 500 costs what page 1 costs and no row is shown twice or skipped while rows are added.

/**
 * A timestamp as whole microseconds since 1970: PostgreSQL keeps microseconds, a JavaScript Date
 * only milliseconds, and a cursor that dropped them could skip rows written in the same
 * millisecond.
 */
export function epochMicroseconds(column: RawBuilder<unknown>): RawBuilder<number | null> {
	return sql<
		number | null
	>`case when ${column} is null or ${column} = '-infinity' then null else (extract(epoch from ${column}) * 1000000)::bigint end`;
}

export function fromEpochMicroseconds(microseconds: number | null): RawBuilder<Date> {
	if (microseconds === null) return sql<Date>`'-infinity'::timestamptz`;
	return sql<Date>`(timestamptz 'epoch' + ${String(microseconds)}::bigint * interval '1 microsecond')`;
}

export interface SortKey {
	/** The sort expression, exactly as an index has it. */
	expression: RawBuilder<unknown>;
	/** How a cursor's value is turned back into a comparable SQL value. */
	parameter: (value: string | number | null) => RawBuilder<unknown>;
	/** The row's id column, the tie-breaker. */
	id: RawBuilder<unknown>;
}

/**
 * The condition and order of one page: after a cursor in the list's direction, or before it in the
 * reverse direction (the rows are then turned back around by `assemblePage`).
 */
export function keysetPage(
	key: SortKey,
	direction: SortDirection,
	cursor: PageCursor | null
): { condition: RawBuilder<SqlBool> | null; order: 'asc' | 'desc'; isBackwards: boolean } {
	const isBackwards = cursor?.side === 'before';
	const forward = direction === 'asc' ? 'asc' : 'desc';
	const order = isBackwards ? (forward === 'asc' ? 'desc' : 'asc') : forward;
	if (!cursor) return { condition: null, order, isBackwards };
	const comparison = order === 'asc' ? sql.raw('>') : sql.raw('<');
	const value = key.parameter(cursor.value);
	return {
		condition: sql<SqlBool>`(${key.expression}, ${key.id}) ${comparison} (${value}, ${cursor.id}::uuid)`,
		order,
		isBackwards
	};
}

export interface Page<Row> {
	rows: Row[];
	/** The cursor of the next page, or null on the last page. */
	nextCursor: string | null;
	/** The cursor of the previous page, or null on the first page. */
	previousCursor: string | null;
}

/**
 * Turns the PAGE_SIZE + 1 rows a query fetched into a page and its neighbours' cursors. The extra
 * row only tells whether there is more in the direction read.
 */
export function assemblePage<Row extends { id: string }>(
	fetched: Row[],
	{
		sort,
		direction,
		cursor,
		sortValue,
		pageSize = PAGE_SIZE
	}: {
		sort: string;
		direction: SortDirection;
		cursor: PageCursor | null;
		sortValue: (row: Row) => string | number | null;
		pageSize?: number;
	}
): Page<Row> {
	const hasMore = fetched.length > pageSize;
	const rows = fetched.slice(0, pageSize);
	const isBackwards = cursor?.side === 'before';
	if (isBackwards) rows.reverse();
	const first = rows[0];
	const last = rows.at(-1);
	const at = (side: 'after' | 'before', row: Row) =>
		encodeCursor({ sort, direction, side, value: sortValue(row), id: row.id });
	const hasNext = isBackwards ? cursor !== null : hasMore;
	const hasPrevious = isBackwards ? hasMore : cursor !== null;
	return {
		rows,
		nextCursor: hasNext && last ? at('after', last) : null,
		previousCursor: hasPrevious && first ? at('before', first) : null
	};
}

/** A count that stops at `limit`: "1,234" or, past the limit, "more than 5,000". */
export interface CappedCount {
	value: number;
	isMore: boolean;
}

export function cappedCount(counted: number, limit: number): CappedCount {
	return counted > limit ? { value: limit, isMore: true } : { value: counted, isMore: false };
}

/** Escapes LIKE's wildcards so typed text matches only itself. */
export function escapeLike(text: string): string {
	return text.replace(/[\\%_]/g, (c) => `\\${c}`);
}
