import { z } from 'zod';
import {
	channels,
	contributionKinds,
	contributionStatuses,
	type Channel,
	type ContributionKind,
	type ContributionStatus
} from '../giving/vocabulary.ts';
import { parseAmount } from '../money.ts';
import type { PageCursor, SortDirection } from './cursor.ts';

export { encodeCursor, normaliseSearch, PAGE_SIZE } from './cursor.ts';
export type { PageCursor, SortDirection } from './cursor.ts';

// The admin lists' filters, read from the URL (GET forms, so a filtered list is a link staff can
// share). Pure: a bad value becomes a field error shown beside its filter and the filter is left
// out; nothing here can make a page fail.

export const supporterSorts = ['name', 'created', 'last_gift', 'total'] as const;
export type SupporterSort = (typeof supporterSorts)[number];

export const contributionSorts = ['received', 'amount'] as const;
export type ContributionSort = (typeof contributionSorts)[number];

/** Which direction a column sorts in when its header is first chosen. */
export const defaultDirections: Record<SupporterSort | ContributionSort, SortDirection> = {
	name: 'asc',
	created: 'desc',
	last_gift: 'desc',
	total: 'desc',
	received: 'desc',
	amount: 'desc'
};

export type FilterErrorCode =
	| 'invalid_choice'
	| 'invalid_date'
	| 'date_order'
	| 'invalid_amount'
	| 'amount_order'
	| 'invalid_currency'
	| 'invalid_id'
	| 'invalid_cursor'
	| 'too_long';

export interface SupporterFilters {
	/** The search text, trimmed and single-spaced; '' when there is none. */
	q: string;
	channel: Channel | null;
	hasActiveMonthly: boolean | null;
	/** Dates (YYYY-MM-DD) in the organisation's time zone, both ends included. */
	lastGiftFrom: string | null;
	lastGiftTo: string | null;
	totalMinMinor: number | null;
	totalMaxMinor: number | null;
	/** The currency of the total range and of the "total" sort. */
	currency: string;
	tag: string | null;
	/** Only those who agreed to hear from the newsroom (true), or only those who did not. */
	mayBeContacted: boolean | null;
	sort: SupporterSort;
	direction: SortDirection;
	cursor: PageCursor | null;
}

export interface ContributionFilters {
	/** A gift's own reference (exactly), or else text to find its supporter by. */
	q: string;
	channel: Channel | null;
	kind: ContributionKind | null;
	status: ContributionStatus | null;
	currency: string | null;
	from: string | null;
	to: string | null;
	amountMinMinor: number | null;
	amountMaxMinor: number | null;
	supporterId: string | null;
	/** A campaign's id: its gifts only. */
	campaignId: string | null;
	/** Only gifts of supporters who agreed to hear from the newsroom (true), or who did not. */
	mayBeContacted: boolean | null;
	sort: ContributionSort;
	direction: SortDirection;
	cursor: PageCursor | null;
}

export type SupporterFilterField =
	| 'q'
	| 'channel'
	| 'monthly'
	| 'last_gift_from'
	| 'last_gift_to'
	| 'total_min'
	| 'total_max'
	| 'currency'
	| 'tag'
	| 'contact'
	| 'sort'
	| 'cursor';

export type ContributionFilterField =
	| 'q'
	| 'channel'
	| 'kind'
	| 'status'
	| 'currency'
	| 'from'
	| 'to'
	| 'amount_min'
	| 'amount_max'
	| 'supporter'
	| 'campaign'
	| 'contact'
	| 'sort'
	| 'cursor';

export interface ParsedFilters<Filters, Field extends string> {
	filters: Filters;
	/** The URL's values as typed, to show in the form again. */
	values: Record<Field | 'dir', string>;
	errors: Partial<Record<Field, FilterErrorCode>>;
}

const SEARCH_MAX_LENGTH = 200;

const isoDate = z.iso.date();
const uuid = z.uuid();
const currencyCode = z.string().regex(/^[A-Z]{3}$/);

const cursorSchema = z.object({
	sort: z.string().max(20),
	direction: z.enum(['asc', 'desc']),
	side: z.enum(['after', 'before']),
	value: z.union([z.string().max(500), z.number(), z.null()]),
	id: z.uuid()
});

export function decodeCursor(text: string): PageCursor | null {
	if (text.length > 1000 || !/^[\w-]+$/.test(text)) return null;
	try {
		const binary = atob(text.replaceAll('-', '+').replaceAll('_', '/'));
		const bytes = Uint8Array.from(binary, (c) => c.charCodeAt(0));
		const parsed = cursorSchema.safeParse(JSON.parse(new TextDecoder().decode(bytes)));
		return parsed.success ? parsed.data : null;
	} catch {
		return null;
	}
}

function pick<T extends string>(options: readonly T[], value: string): T | undefined {
	return options.find((option) => option === value);
}

class FilterReader<Field extends string> {
	readonly values: Record<string, string> = {};
	readonly errors: Partial<Record<Field, FilterErrorCode>> = {};
	private readonly params: URLSearchParams;

	constructor(params: URLSearchParams) {
		this.params = params;
	}

	text(field: Field | 'dir'): string {
		const value = (this.params.get(field) ?? '').trim();
		this.values[field] = value;
		return value;
	}

	fail(field: Field, code: FilterErrorCode): null {
		this.errors[field] ??= code;
		return null;
	}

	choice<T extends string>(field: Field, options: readonly T[]): T | null {
		const value = this.text(field);
		if (!value) return null;
		return pick(options, value) ?? this.fail(field, 'invalid_choice');
	}

	/** A yes/no select: true, false, or null when left open. */
	yesOrNo(field: Field): boolean | null {
		const answer = this.choice(field, ['yes', 'no'] as const);
		return answer === null ? null : answer === 'yes';
	}

	date(field: Field): string | null {
		const value = this.text(field);
		if (!value) return null;
		return isoDate.safeParse(value).success ? value : this.fail(field, 'invalid_date');
	}

	/** The later date of a range; a range that ends before it starts is refused at its end. */
	dateRange(fromField: Field, toField: Field): [string | null, string | null] {
		const from = this.date(fromField);
		const to = this.date(toField);
		if (from && to && to < from) return [from, this.fail(toField, 'date_order')];
		return [from, to];
	}

	amount(field: Field, currency: string): number | null {
		const value = this.text(field);
		if (!value) return null;
		const parsed = parseAmount(value, currency);
		if (!parsed.ok || parsed.amountMinor < 0) return this.fail(field, 'invalid_amount');
		return parsed.amountMinor;
	}

	amountRange(minField: Field, maxField: Field, currency: string): [number | null, number | null] {
		const min = this.amount(minField, currency);
		const max = this.amount(maxField, currency);
		if (min !== null && max !== null && max < min)
			return [min, this.fail(maxField, 'amount_order')];
		return [min, max];
	}

	currency(field: Field): string | null {
		const value = this.text(field).toUpperCase();
		this.values[field] = value;
		if (!value) return null;
		return currencyCode.safeParse(value).success ? value : this.fail(field, 'invalid_currency');
	}

	search(field: Field): string {
		const value = this.text(field);
		if (value.length > SEARCH_MAX_LENGTH) {
			this.fail(field, 'too_long');
			return '';
		}
		return value.replace(/\s+/g, ' ');
	}

	sort<T extends string>(
		field: Field,
		options: readonly T[],
		fallback: T
	): { sort: T; direction: SortDirection } {
		const sort = this.choice(field, options) ?? fallback;
		const dir = this.text('dir');
		const direction: SortDirection =
			dir === 'asc' || dir === 'desc'
				? dir
				: defaultDirections[sort as keyof typeof defaultDirections];
		return { sort, direction };
	}

	/** A cursor made for another order (the sort was changed) is dropped: back to the first page. */
	cursor(field: Field, sort: string, direction: SortDirection): PageCursor | null {
		const value = this.text(field);
		if (!value) return null;
		const cursor = decodeCursor(value);
		if (!cursor || cursor.sort !== sort || cursor.direction !== direction)
			return this.fail(field, 'invalid_cursor');
		return cursor;
	}
}

export function parseSupporterFilters(
	params: URLSearchParams,
	{ defaultCurrency = 'NOK' }: { defaultCurrency?: string } = {}
): ParsedFilters<SupporterFilters, SupporterFilterField> {
	const read = new FilterReader<SupporterFilterField>(params);
	const q = read.search('q');
	const channel = read.choice('channel', channels);
	const hasActiveMonthly = read.yesOrNo('monthly');
	const [lastGiftFrom, lastGiftTo] = read.dateRange('last_gift_from', 'last_gift_to');
	const currency = read.currency('currency') ?? defaultCurrency;
	const range = read.amountRange('total_min', 'total_max', currency);
	// A range in a currency that cannot be read is left out rather than read as another currency.
	const [totalMinMinor, totalMaxMinor] = read.errors.currency ? [null, null] : range;
	const tag = read.text('tag').slice(0, 100) || null;
	const mayBeContacted = read.yesOrNo('contact');
	const { sort, direction } = read.sort('sort', supporterSorts, 'name');
	const cursor = read.cursor('cursor', sort, direction);
	return {
		filters: {
			q,
			channel,
			hasActiveMonthly,
			lastGiftFrom,
			lastGiftTo,
			totalMinMinor,
			totalMaxMinor,
			currency,
			tag,
			mayBeContacted,
			sort,
			direction,
			cursor
		},
		values: read.values as Record<SupporterFilterField | 'dir', string>,
		errors: read.errors
	};
}

export function parseContributionFilters(
	params: URLSearchParams
): ParsedFilters<ContributionFilters, ContributionFilterField> {
	const read = new FilterReader<ContributionFilterField>(params);
	const q = read.search('q');
	const channel = read.choice('channel', channels);
	const kind = read.choice('kind', contributionKinds);
	const status = read.choice('status', contributionStatuses);
	const currency = read.currency('currency');
	const [from, to] = read.dateRange('from', 'to');
	// Without a currency, amounts are read with two decimals, as NOK, EUR and USD have.
	const [amountMinMinor, amountMaxMinor] = read.amountRange(
		'amount_min',
		'amount_max',
		currency ?? 'NOK'
	);
	const supporterText = read.text('supporter');
	const supporterId = !supporterText
		? null
		: uuid.safeParse(supporterText).success
			? supporterText.toLowerCase()
			: read.fail('supporter', 'invalid_id');
	const campaignText = read.text('campaign');
	const campaignId = !campaignText
		? null
		: uuid.safeParse(campaignText).success
			? campaignText.toLowerCase()
			: read.fail('campaign', 'invalid_id');
	const mayBeContacted = read.yesOrNo('contact');
	const { sort, direction } = read.sort('sort', contributionSorts, 'received');
	const cursor = read.cursor('cursor', sort, direction);
	return {
		filters: {
			q,
			channel,
			kind,
			status,
			currency,
			from,
			to,
			amountMinMinor,
			amountMaxMinor,
			supporterId,
			campaignId,
			mayBeContacted,
			sort,
			direction,
			cursor
		},
		values: read.values as Record<ContributionFilterField | 'dir', string>,
		errors: read.errors
	};
}

/**
 * The same list in another order or at another page: the current URL's filters with some
 * parameters changed (null removes one). Changing anything but the cursor starts at page one.
 */
export function listHref(
	pathname: string,
	params: URLSearchParams,
	changes: Record<string, string | null>
): string {
	const next = new URLSearchParams(params);
	if (!('cursor' in changes)) next.delete('cursor');
	for (const [key, value] of Object.entries(changes)) {
		if (value === null || value === '') next.delete(key);
		else next.set(key, value);
	}
	for (const [key, value] of [...next]) if (value === '') next.delete(key);
	const query = next.toString();
	return query ? `${pathname}?${query}` : pathname;
}

/** A column header's sort link: whether the list is sorted by it, and the link that sorts by it
 * (the other way when it is the current column, else in the column's first direction). */
export function sortLink<Sort extends SupporterSort | ContributionSort>(
	pathname: string,
	params: URLSearchParams,
	current: { sort: Sort; direction: SortDirection },
	column: Sort
): { isCurrent: boolean; direction: SortDirection; href: string } {
	const isCurrent = current.sort === column;
	const flipped = current.direction === 'asc' ? 'desc' : 'asc';
	const direction = isCurrent ? flipped : defaultDirections[column];
	return {
		isCurrent,
		direction: current.direction,
		href: listHref(pathname, params, { sort: column, dir: direction })
	};
}
