import { describe, expect, it } from 'vitest';
import { readDonationForm, validateDonation, type DonationRules } from './donation-form';

const rules: DonationRules = {
	cardFeeBasisPoints: 240,
	currencies: [
		{
			currency: 'NOK',
			presetAmountsMinor: [10000, 25000],
			minimumMinor: 1000,
			maximumMinor: 5000000,
			cardFeeFixedMinor: 200
		},
		{
			currency: 'EUR',
			presetAmountsMinor: [1000, 2500],
			minimumMinor: 1000,
			maximumMinor: 500000,
			cardFeeFixedMinor: 25
		}
	]
};

function form(fields: Record<string, string>) {
	const data = new FormData();
	for (const [key, value] of Object.entries(fields)) data.set(key, value);
	return readDonationForm(data);
}

const valid = {
	frequency: 'one_off',
	currency: 'NOK',
	amount_NOK: '250',
	name: 'Laila Ahmadi',
	email: 'laila@example.com'
};

describe('validateDonation', () => {
	it('accepts a complete one-off gift from the chosen currency’s presets', () => {
		const result = validateDonation(form({ ...valid, amount_EUR: '25' }), rules);
		expect(result.ok && result.donation).toMatchObject({
			kind: 'one_off',
			currency: 'NOK',
			amountMinor: 25000,
			totalMinor: 25000,
			email: 'laila@example.com'
		});
	});

	it('lets a typed amount win over the preset', () => {
		const result = validateDonation(form({ ...valid, custom_amount: '75,50' }), rules);
		expect(result.ok && result.donation.amountMinor).toBe(7550);
	});

	it('adds the card fee when the supporter asks', () => {
		const result = validateDonation(
			form({ ...valid, cover_fee: 'on', frequency: 'monthly' }),
			rules
		);
		expect(result.ok && result.donation).toMatchObject({
			kind: 'monthly',
			amountMinor: 25000,
			feeTopUpMinor: 820,
			totalMinor: 25820
		});
	});

	it('refuses an amount below the minimum with the minimum to show', () => {
		const result = validateDonation(
			form({ ...valid, currency: 'EUR', amount_EUR: '', custom_amount: '5' }),
			rules
		);
		expect(result.ok).toBe(false);
		expect(!result.ok && result.errors.amount).toEqual({
			code: 'amount_below_minimum',
			minimumMinor: 1000,
			currency: 'EUR'
		});
	});

	it('refuses an amount above the maximum', () => {
		const result = validateDonation(form({ ...valid, custom_amount: '60000' }), rules);
		expect(!result.ok && result.errors.amount).toEqual({
			code: 'amount_above_maximum',
			maximumMinor: 5000000,
			currency: 'NOK'
		});
	});

	it('refuses text that is not a number, and a missing amount', () => {
		expect(validateDonation(form({ ...valid, custom_amount: 'lots' }), rules)).toMatchObject({
			ok: false,
			errors: { amount: { code: 'amount_not_a_number' } }
		});
		expect(validateDonation(form({ ...valid, amount_NOK: '' }), rules)).toMatchObject({
			ok: false,
			errors: { amount: { code: 'amount_required' } }
		});
	});

	it('refuses a currency that is not offered', () => {
		const result = validateDonation(form({ ...valid, currency: 'SEK', amount_SEK: '100' }), rules);
		expect(!result.ok && result.errors).toEqual({ currency: { code: 'currency_unknown' } });
	});

	it('refuses a bad email and asks for a name unless anonymous', () => {
		const result = validateDonation(form({ ...valid, name: '', email: 'laila@' }), rules);
		expect(!result.ok && result.errors).toEqual({
			name: { code: 'name_required' },
			email: { code: 'email_invalid' }
		});
		const anonymous = validateDonation(form({ ...valid, name: '', anonymous: 'on' }), rules);
		expect(anonymous.ok && anonymous.donation.isAnonymous).toBe(true);
	});

	it('keeps what was typed so the form can be shown again', () => {
		const result = validateDonation(
			form({ ...valid, email: 'nope', dedication: ' For my mother ' }),
			rules
		);
		expect(result.values).toMatchObject({
			email: 'nope',
			dedication: 'For my mother',
			amount: '250'
		});
	});
});
