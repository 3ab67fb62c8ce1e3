import { DEFAULT_TIME_ZONE } from '../dates.ts';
import { describe, expect, it } from 'vitest';
import { readSettings, settingsToValues, type OrganisationSettings } from './settings-form.ts';

const dawat: OrganisationSettings = {
	name: 'Dawat Media Center',
	timeZone: DEFAULT_TIME_ZONE,
	contactEmail: 'post@dawat.no',
	defaultCurrency: 'NOK',
	cardFeeBasisPoints: 240,
	bankName: 'DNB',
	bankAccountNumber: '0530 2294668',
	iban: 'NO15 0530 2294 668',
	bic: 'DNBANOKK',
	vippsNumber: '557320',
	appealTexts: { ps: { title: 'زموږ ملاتړ وکړئ' } },
	currencies: [
		{
			currency: 'NOK',
			isEnabled: true,
			presetAmountsMinor: [10_000, 25_000, 50_000],
			minimumMinor: 1000,
			maximumMinor: 10_000_000,
			cardFeeFixedMinor: 200
		},
		{
			currency: 'EUR',
			isEnabled: true,
			presetAmountsMinor: [1000, 2550],
			minimumMinor: 1000,
			maximumMinor: 1_000_000,
			cardFeeFixedMinor: 25
		},
		{
			currency: 'USD',
			isEnabled: false,
			presetAmountsMinor: [],
			minimumMinor: 1000,
			maximumMinor: 1_000_000,
			cardFeeFixedMinor: 30
		}
	],
	organisationNumber: '974760673',
	taxReportEnabled: true,
	taxReportThresholdMinor: 50_000,
	embedOrigins: ['https://dawatmedia.no', 'http://localhost:8080']
};

describe('the settings form', () => {
	it('gives back exactly the settings it was shown, in minor units', () => {
		expect(readSettings(settingsToValues(dawat))).toEqual({ ok: true, settings: dawat });
	});

	it('points at each field that is wrong and keeps what was typed', () => {
		const values = {
			...settingsToValues(dawat),
			name: '',
			cardFeePercent: '35',
			maximum_NOK: '5',
			presets_EUR: '5, 20'
		};
		const result = readSettings(values);
		expect(result).toMatchObject({
			ok: false,
			errors: {
				name: 'required',
				cardFeePercent: 'percent_invalid',
				maximum_NOK: 'range_invalid',
				presets_EUR: 'presets_invalid'
			},
			values: { presets_EUR: '5, 20' }
		});
	});

	it('reads a Norwegian percentage and refuses a default currency that is not offered', () => {
		const values = { ...settingsToValues(dawat), cardFeePercent: '2,9', defaultCurrency: 'USD' };
		expect(readSettings(values)).toMatchObject({ errors: { defaultCurrency: 'required' } });
		const fine = readSettings({ ...values, defaultCurrency: 'EUR' });
		expect(fine.ok && fine.settings.cardFeeBasisPoints).toBe(290);
	});

	it('checks the organisation number and needs it for the tax report', () => {
		const values = settingsToValues(dawat);
		expect(values).toMatchObject({ organisationNumber: '974 760 673', taxReportThreshold: '500' });
		expect(readSettings({ ...values, organisationNumber: '974 760 674' })).toMatchObject({
			errors: { organisationNumber: 'organisation_number_invalid' }
		});
		expect(readSettings({ ...values, organisationNumber: '' })).toMatchObject({
			errors: { organisationNumber: 'required' }
		});
		const off = readSettings({ ...values, organisationNumber: '', taxReportEnabled: '' });
		expect(off.ok && off.settings).toMatchObject({
			organisationNumber: '',
			taxReportEnabled: false
		});
		expect(readSettings({ ...values, taxReportThreshold: 'lots' })).toMatchObject({
			errors: { taxReportThreshold: 'amount_invalid' }
		});
	});
});
