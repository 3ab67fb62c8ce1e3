import { describe, expect, it } from 'vitest';
import { locales } from '../locales.ts';
import {
	channelLabel,
	channels,
	contributionKinds,
	contributionStatuses,
	kindLabel,
	planStatusLabel,
	planStatuses,
	statusLabel
} from './vocabulary.ts';

describe('the gift vocabulary', () => {
	it('names every channel and kind in every language, never by its code', () => {
		for (const locale of locales) {
			for (const channel of channels) {
				expect(channelLabel(channel, locale)).not.toBe(channel);
			}
			const kinds = contributionKinds.map((kind) => kindLabel(kind, { locale }));
			expect(new Set(kinds).size).toBe(kinds.length);
		}
		expect(channelLabel('bank_transfer', 'fa-AF')).toBe('انتقال بانکی');
		expect(kindLabel('monthly', { locale: 'nb', asGift: true })).toBe('Månedlig gave');
	});

	it('tells staff and givers the same state in their own words', () => {
		for (const status of contributionStatuses) expect(statusLabel(status)).not.toBe(status);
		for (const status of planStatuses) expect(planStatusLabel(status)).not.toBe(status);
		expect(statusLabel('pending')).toBe('Pending');
		expect(statusLabel('pending', 'giver')).toBe('Processing');
		expect(planStatusLabel('canceled')).toBe('Canceled');
		expect(planStatusLabel('canceled', 'giver')).toBe('Ended');
	});
});
