import { describe, expect, it } from 'vitest';
import { campaignToValues, readCampaign } from './campaign-form.ts';

const base = { name: 'Year-end drive', slug: 'year-end-2026', startsOn: '2026-12-01' };

describe('the campaign form', () => {
	it('reads goals and preset amounts per currency, in minor units', () => {
		const result = readCampaign({
			...base,
			endsOn: '2026-12-31',
			goal_NOK: '50 000',
			presets_NOK: '200, 500, 1000',
			defaultFrequency: 'monthly',
			'appealTitle_fa-AF': 'کمک پایان سال'
		});
		expect(result).toMatchObject({
			ok: true,
			campaign: {
				slug: 'year-end-2026',
				endsOn: '2026-12-31',
				goals: { NOK: 5_000_000 },
				presetAmounts: { NOK: [20000, 50000, 100000] },
				defaultFrequency: 'monthly',
				appealTexts: { 'fa-AF': { title: 'کمک پایان سال' } }
			}
		});
	});

	it('refuses a short name an address cannot carry, and a last day before the first', () => {
		const result = readCampaign({ ...base, slug: 'Year End!', endsOn: '2026-11-30' });
		expect(result).toMatchObject({
			ok: false,
			errors: { slug: 'slug_invalid', endsOn: 'dates_order' }
		});
	});

	it('refuses a goal that is no amount and a date that is no day', () => {
		const result = readCampaign({ ...base, goal_EUR: 'lots', startsOn: '2026-02-30' });
		expect(result).toMatchObject({
			ok: false,
			errors: { goal_EUR: 'amount_invalid', startsOn: 'date_invalid' }
		});
	});

	it('shows a saved campaign as it was typed', () => {
		const result = readCampaign({ ...base, goal_NOK: '50000', presets_EUR: '10, 25' });
		if (!result.ok) throw new Error('expected a campaign');
		const values = campaignToValues(result.campaign, '2026-12-06');
		expect(readCampaign(values)).toMatchObject({ ok: true, campaign: result.campaign });
	});
});
