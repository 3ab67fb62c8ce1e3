import { describe, expect, it } from 'vitest';
import {
	decodeCursor,
	encodeCursor,
	listHref,
	parseContributionFilters,
	parseSupporterFilters,
	sortLink,
	type PageCursor
} from './filters';

const params = (query: string) => new URLSearchParams(query);

describe('supporter filters', () => {
	it('reads every filter from the URL', () => {
		const { filters, errors } = parseSupporterFilters(
			params(
				'q=+Laila%20%20Ahmadi+&channel=vipps&monthly=yes&last_gift_from=2026-01-01&last_gift_to=2026-03-31' +
					'&total_min=1+000&total_max=5000,50&currency=eur&tag=newsletter&contact=no&sort=total&dir=asc'
			)
		);
		expect(errors).toEqual({});
		expect(filters).toEqual({
			q: 'Laila Ahmadi',
			channel: 'vipps',
			hasActiveMonthly: true,
			lastGiftFrom: '2026-01-01',
			lastGiftTo: '2026-03-31',
			totalMinMinor: 100000,
			totalMaxMinor: 500050,
			currency: 'EUR',
			tag: 'newsletter',
			mayBeContacted: false,
			sort: 'total',
			direction: 'asc',
			cursor: null
		});
	});

	it('starts with everyone by name, in the organisation’s currency', () => {
		const { filters, errors } = parseSupporterFilters(params(''), { defaultCurrency: 'NOK' });
		expect(errors).toEqual({});
		expect(filters).toMatchObject({
			q: '',
			channel: null,
			hasActiveMonthly: null,
			currency: 'NOK',
			sort: 'name',
			direction: 'asc'
		});
	});

	it('sorts new columns in their natural direction: last gift and totals newest and largest first', () => {
		expect(parseSupporterFilters(params('sort=last_gift')).filters.direction).toBe('desc');
		expect(parseSupporterFilters(params('sort=created')).filters.direction).toBe('desc');
		expect(parseSupporterFilters(params('sort=name&dir=desc')).filters.direction).toBe('desc');
	});

	it('turns bad values into errors beside their filter and leaves those filters out', () => {
		const { filters, errors, values } = parseSupporterFilters(
			params(
				'channel=pigeon&monthly=maybe&last_gift_from=2026-02-30&total_min=lots&sort=shoe&dir=up&cursor=%%%'
			)
		);
		expect(errors).toEqual({
			channel: 'invalid_choice',
			monthly: 'invalid_choice',
			last_gift_from: 'invalid_date',
			total_min: 'invalid_amount',
			sort: 'invalid_choice',
			cursor: 'invalid_cursor'
		});
		expect(filters).toMatchObject({
			channel: null,
			hasActiveMonthly: null,
			lastGiftFrom: null,
			totalMinMinor: null,
			sort: 'name',
			direction: 'asc',
			cursor: null
		});
		expect(values.channel).toBe('pigeon');
	});

	it('refuses a range that ends before it starts, at its end', () => {
		const { filters, errors } = parseSupporterFilters(
			params('last_gift_from=2026-05-01&last_gift_to=2026-04-01&total_min=500&total_max=100')
		);
		expect(errors).toEqual({ last_gift_to: 'date_order', total_max: 'amount_order' });
		expect(filters).toMatchObject({
			lastGiftFrom: '2026-05-01',
			lastGiftTo: null,
			totalMinMinor: 50000,
			totalMaxMinor: null
		});
	});

	it('leaves out a total range in a currency it cannot read, rather than guess one', () => {
		const { filters, errors } = parseSupporterFilters(params('total_min=100&currency=kroner'));
		expect(errors).toEqual({ currency: 'invalid_currency' });
		expect(filters).toMatchObject({ totalMinMinor: null, currency: 'NOK' });
	});

	it('refuses a search longer than anyone types', () => {
		const { filters, errors } = parseSupporterFilters(params(`q=${'a'.repeat(201)}`));
		expect(errors).toEqual({ q: 'too_long' });
		expect(filters.q).toBe('');
	});
});

describe('contribution filters', () => {
	it('reads every filter from the URL', () => {
		const { filters, errors } = parseContributionFilters(
			params(
				'q=KID+123&channel=bank_transfer&kind=monthly&status=succeeded&currency=nok&from=2026-01-01' +
					'&to=2026-01-31&amount_min=100&amount_max=250,50&supporter=6F9619FF-8B86-4011-B42D-00C04FC964FF&campaign=0B1D3F5A-1C2E-4A6B-8D9E-0F1A2B3C4D5E&contact=yes&sort=amount&dir=asc'
			)
		);
		expect(errors).toEqual({});
		expect(filters).toEqual({
			q: 'KID 123',
			channel: 'bank_transfer',
			kind: 'monthly',
			status: 'succeeded',
			currency: 'NOK',
			from: '2026-01-01',
			to: '2026-01-31',
			amountMinMinor: 10000,
			amountMaxMinor: 25050,
			supporterId: '6f9619ff-8b86-4011-b42d-00c04fc964ff',
			campaignId: '0b1d3f5a-1c2e-4a6b-8d9e-0f1a2b3c4d5e',
			mayBeContacted: true,
			sort: 'amount',
			direction: 'asc',
			cursor: null
		});
	});

	it('lists everything, newest first, without filters', () => {
		const { filters } = parseContributionFilters(params(''));
		expect(filters).toMatchObject({
			q: '',
			channel: null,
			status: null,
			sort: 'received',
			direction: 'desc',
			currency: null
		});
	});

	it('reports each bad value as a field error, never an exception', () => {
		const { errors } = parseContributionFilters(
			params(
				'kind=yearly&status=lost&currency=12&from=yesterday&to=2026-13-01&amount_min=-5&supporter=1%27%20or%201=1'
			)
		);
		expect(errors).toEqual({
			kind: 'invalid_choice',
			status: 'invalid_choice',
			currency: 'invalid_currency',
			from: 'invalid_date',
			to: 'invalid_date',
			amount_min: 'invalid_amount',
			supporter: 'invalid_id'
		});
	});
});

describe('the "may be contacted" filter', () => {
	it('lists those who agreed, those who did not, or everyone, on both lists', () => {
		expect(parseSupporterFilters(params('contact=yes')).filters.mayBeContacted).toBe(true);
		expect(parseSupporterFilters(params('contact=no')).filters.mayBeContacted).toBe(false);
		expect(parseSupporterFilters(params('')).filters.mayBeContacted).toBeNull();
		expect(parseContributionFilters(params('contact=yes')).filters.mayBeContacted).toBe(true);
		const { filters, errors } = parseContributionFilters(params('contact=perhaps'));
		expect(filters.mayBeContacted).toBeNull();
		expect(errors).toEqual({ contact: 'invalid_choice' });
	});
});

describe('page cursors', () => {
	const cursor: PageCursor = {
		sort: 'name',
		direction: 'asc',
		side: 'after',
		value: 'øystein ahmadi',
		id: '6f9619ff-8b86-4011-b42d-00c04fc964ff'
	};

	it('round-trips through the URL, letters outside ASCII included', () => {
		const text = encodeCursor(cursor);
		expect(text).toMatch(/^[\w-]+$/);
		expect(decodeCursor(text)).toEqual(cursor);
		const { filters, errors } = parseSupporterFilters(params(`cursor=${text}`));
		expect(errors).toEqual({});
		expect(filters.cursor).toEqual(cursor);
	});

	it('keeps microsecond timestamps exact', () => {
		const timed = {
			...cursor,
			sort: 'received',
			direction: 'desc' as const,
			value: 1795602777445123
		};
		expect(decodeCursor(encodeCursor(timed))?.value).toBe(1795602777445123);
	});

	it('drops a cursor made for another order, going back to the first page', () => {
		const { filters, errors } = parseSupporterFilters(
			params(`sort=created&cursor=${encodeCursor(cursor)}`)
		);
		expect(filters.cursor).toBeNull();
		expect(errors).toEqual({ cursor: 'invalid_cursor' });
	});

	it('refuses tampered cursors', () => {
		expect(decodeCursor('bm90IGpzb24')).toBeNull();
		expect(decodeCursor(encodeCursor({ ...cursor, id: "1' or '1'='1" }))).toBeNull();
		expect(decodeCursor('a'.repeat(2000))).toBeNull();
	});
});

describe('list links', () => {
	it('keeps the filters, changes what is asked and starts again at page one', () => {
		const current = params('q=laila&channel=card&cursor=abc');
		expect(listHref('/admin/supporters', current, { sort: 'total', dir: 'desc' })).toBe(
			'/admin/supporters?q=laila&channel=card&sort=total&dir=desc'
		);
		expect(listHref('/admin/supporters', current, { cursor: 'def' })).toBe(
			'/admin/supporters?q=laila&channel=card&cursor=def'
		);
		expect(listHref('/admin/supporters', params('q='), { channel: null })).toBe(
			'/admin/supporters'
		);
	});

	it('sorts by a new column in its first direction, and by the current one the other way', () => {
		const current = params('channel=card&sort=name&dir=asc');
		const sorted = { sort: 'name' as const, direction: 'asc' as const };
		expect(sortLink('/admin/supporters', current, sorted, 'name')).toEqual({
			isCurrent: true,
			direction: 'asc',
			href: '/admin/supporters?channel=card&sort=name&dir=desc'
		});
		expect(sortLink('/admin/supporters', current, sorted, 'total')).toEqual({
			isCurrent: false,
			direction: 'asc',
			href: '/admin/supporters?channel=card&sort=total&dir=desc'
		});
	});
});
