import { describe, expect, it } from 'vitest';
import { readAttribution, sourcePageOf } from './attribution.ts';

const origin = 'https://give.example.org';
const form = (fields: Record<string, string>) => {
	const data = new FormData();
	for (const [name, value] of Object.entries(fields)) data.set(name, value);
	return data;
};

describe('where a gift came from', () => {
	it('keeps only the origin and path of the page that sent the reader', () => {
		expect(sourcePageOf('https://news.example.org/2026/story?email=a@b.no#top')).toBe(
			'https://news.example.org/2026/story'
		);
		expect(sourcePageOf('javascript:alert(1)')).toBeNull();
		expect(sourcePageOf('not an address')).toBeNull();
	});

	it('reads the campaign and utm values from the appeal’s own address when the form has none', () => {
		expect(
			readAttribution(
				form({ source_page: 'https://news.example.org/a' }),
				`${origin}/?campaign=Year-End&utm_source=newsletter&utm_medium=email&utm_campaign=dec`,
				origin
			)
		).toEqual({
			campaignSlug: 'year-end',
			utmSource: 'newsletter',
			utmMedium: 'email',
			utmCampaign: 'dec',
			sourcePage: 'https://news.example.org/a'
		});
	});

	it('trusts no other site’s address for utm values, and no page of our own as a source', () => {
		expect(
			readAttribution(
				form({ source_page: `${origin}/thank-you` }),
				'https://evil.example/?utm_source=spoof',
				origin
			)
		).toEqual({
			campaignSlug: null,
			utmSource: null,
			utmMedium: null,
			utmCampaign: null,
			sourcePage: null
		});
	});
});
