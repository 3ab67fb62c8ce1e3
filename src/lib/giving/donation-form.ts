import { z } from 'zod';
import { cardFeeTopUp, parseAmount } from '../money.ts';
import { contributionKinds, type ContributionKind } from './vocabulary.ts';

// The appeal form's rules. Pure: no SvelteKit, no database, so it runs on the server for every
// submission and can be tested in milliseconds.

export interface AmountRules {
	currency: string;
	presetAmountsMinor: number[];
	minimumMinor: number;
	maximumMinor: number;
	cardFeeFixedMinor: number;
}

export interface DonationRules {
	currencies: AmountRules[];
	cardFeeBasisPoints: number;
	/** The page's language: its decimal mark decides how a typed amount reads. */
	locale?: string;
}

export type DonationField = 'frequency' | 'currency' | 'amount' | 'name' | 'email' | 'dedication';

export type FieldError =
	| { code: 'amount_required' | 'amount_not_a_number' | 'amount_too_many_decimals' }
	| { code: 'amount_below_minimum'; minimumMinor: number; currency: string }
	| { code: 'amount_above_maximum'; maximumMinor: number; currency: string }
	| { code: 'currency_unknown' | 'frequency_unknown' }
	| { code: 'name_required' | 'name_too_long' }
	| { code: 'email_required' | 'email_invalid' }
	| { code: 'dedication_too_long' };

/** What the supporter typed, kept as text so the form can be shown again exactly as it was. */
export interface DonationFormValues {
	frequency: string;
	currency: string;
	amount: string;
	customAmount: string;
	name: string;
	email: string;
	isAnonymous: boolean;
	dedication: string;
	coversFee: boolean;
}

export interface Donation {
	kind: ContributionKind;
	currency: string;
	amountMinor: number;
	feeTopUpMinor: number;
	totalMinor: number;
	name: string;
	email: string;
	isAnonymous: boolean;
	dedication: string;
	/** The words of the contact opt-in, when ticked (the server words it in the page's language). */
	contactConsentWording?: string | null;
}

export type DonationResult =
	| { ok: true; donation: Donation; values: DonationFormValues }
	| { ok: false; errors: Partial<Record<DonationField, FieldError>>; values: DonationFormValues };

export const NAME_MAX_LENGTH = 120;
export const DEDICATION_MAX_LENGTH = 500;

const text = (value: FormDataEntryValue | null | undefined) =>
	typeof value === 'string' ? value.trim() : '';

/**
 * Each currency has its own group of preset amounts (`amount_NOK`, `amount_EUR`, ...), so that
 * without JavaScript the preset chosen belongs to the currency chosen.
 */
export function readDonationForm(form: FormData): DonationFormValues {
	const currency = text(form.get('currency')).toUpperCase();
	return {
		frequency: text(form.get('frequency')) || 'one_off',
		currency,
		amount: text(form.get(`amount_${currency}`)) || text(form.get('amount')),
		customAmount: text(form.get('custom_amount')),
		name: text(form.get('name')),
		email: text(form.get('email')),
		isAnonymous: form.get('anonymous') === 'on',
		dedication: text(form.get('dedication')),
		coversFee: form.get('cover_fee') === 'on'
	};
}

const emailSchema = z.email();

/** The amount field: the typed "other amount" wins over a preset choice. */
function validateAmount(
	values: DonationFormValues,
	rules: AmountRules,
	locale: string | undefined
): FieldError | number {
	return validateAmountText(values.customAmount || values.amount, rules, locale);
}

/** An amount as typed, in minor units, or why it cannot be taken in this currency. */
export function validateAmountText(
	typed: string,
	rules: Pick<AmountRules, 'currency' | 'minimumMinor' | 'maximumMinor'>,
	locale?: string
): FieldError | number {
	const parsed = parseAmount(typed, rules.currency, locale);
	if (!parsed.ok) {
		if (parsed.reason === 'empty') return { code: 'amount_required' };
		if (parsed.reason === 'too_many_decimals') return { code: 'amount_too_many_decimals' };
		if (parsed.reason === 'too_large')
			return {
				code: 'amount_above_maximum',
				maximumMinor: rules.maximumMinor,
				currency: rules.currency
			};
		return { code: 'amount_not_a_number' };
	}
	if (parsed.amountMinor < rules.minimumMinor)
		return {
			code: 'amount_below_minimum',
			minimumMinor: rules.minimumMinor,
			currency: rules.currency
		};
	if (parsed.amountMinor > rules.maximumMinor)
		return {
			code: 'amount_above_maximum',
			maximumMinor: rules.maximumMinor,
			currency: rules.currency
		};
	return parsed.amountMinor;
}

export function validateDonation(values: DonationFormValues, rules: DonationRules): DonationResult {
	const errors: Partial<Record<DonationField, FieldError>> = {};

	const kind = contributionKinds.find((k) => k === values.frequency);
	if (!kind) errors.frequency = { code: 'frequency_unknown' };

	const currencyRules = rules.currencies.find((c) => c.currency === values.currency);
	let amountMinor = 0;
	if (!currencyRules) {
		errors.currency = { code: 'currency_unknown' };
	} else {
		const amount = validateAmount(values, currencyRules, rules.locale);
		if (typeof amount === 'number') amountMinor = amount;
		else errors.amount = amount;
	}

	if (!values.name && !values.isAnonymous) errors.name = { code: 'name_required' };
	else if (values.name.length > NAME_MAX_LENGTH) errors.name = { code: 'name_too_long' };

	if (!values.email) errors.email = { code: 'email_required' };
	else if (!emailSchema.safeParse(values.email).success) errors.email = { code: 'email_invalid' };

	if (values.dedication.length > DEDICATION_MAX_LENGTH)
		errors.dedication = { code: 'dedication_too_long' };

	if (!kind || !currencyRules || Object.keys(errors).length > 0)
		return { ok: false, errors, values };

	const feeTopUpMinor = values.coversFee
		? cardFeeTopUp(amountMinor, rules.cardFeeBasisPoints, currencyRules.cardFeeFixedMinor)
		: 0;
	return {
		ok: true,
		values,
		donation: {
			kind,
			currency: currencyRules.currency,
			amountMinor,
			feeTopUpMinor,
			totalMinor: amountMinor + feeTopUpMinor,
			name: values.name,
			email: values.email,
			isAnonymous: values.isAnonymous,
			dedication: values.dedication
		}
	};
}
