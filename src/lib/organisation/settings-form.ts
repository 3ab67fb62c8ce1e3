import { DEFAULT_TIME_ZONE, isTimeZone } from '../dates.ts';
import { locales, type Locale } from '../locales.ts';
import { parseAmount, supportedCurrencies, toInputString } from '../money.ts';
import { readEmbedOrigins } from '../embed/embed-origins.ts';
import { formatOrganisationNumber, normaliseOrganisationNumber } from './organisation-number.ts';

// The organisation settings form (admin only). Pure: the server reads every submission with it.

export type SettingsErrorCode =
	| 'required'
	| 'too_long'
	| 'email_invalid'
	| 'amount_invalid'
	| 'percent_invalid'
	| 'range_invalid'
	| 'presets_invalid'
	| 'no_currency'
	| 'organisation_number_invalid'
	| 'time_zone_invalid'
	| 'embed_origin_invalid';

export interface CurrencySettings {
	currency: string;
	isEnabled: boolean;
	presetAmountsMinor: number[];
	minimumMinor: number;
	maximumMinor: number;
	cardFeeFixedMinor: number;
}

export interface OrganisationSettings {
	name: string;
	contactEmail: string;
	/** An IANA zone: the one every date and day in Komak is told in. */
	timeZone: string;
	defaultCurrency: string;
	cardFeeBasisPoints: number;
	bankName: string;
	bankAccountNumber: string;
	iban: string;
	bic: string;
	vippsNumber: string;
	appealTexts: Partial<Record<Locale, { title?: string; body?: string }>>;
	currencies: CurrencySettings[];
	/** Nine digits, or '' when not given; required once the tax report is on. */
	organisationNumber: string;
	taxReportEnabled: boolean;
	/** The least a supporter must give in NOK in a year to be in the tax report, in øre. */
	taxReportThresholdMinor: number;
	/** The sites that may show the appeal inside their pages, as origins (https://site.example). */
	embedOrigins: string[];
}

export type SettingsValues = Record<string, string>;

export type SettingsResult =
	| { ok: true; settings: OrganisationSettings }
	| { ok: false; errors: Record<string, SettingsErrorCode>; values: SettingsValues };

/** The form's fields as text, from stored settings: what the page shows before any change. */
export function settingsToValues(settings: OrganisationSettings): SettingsValues {
	const values: SettingsValues = {
		name: settings.name,
		contactEmail: settings.contactEmail,
		timeZone: settings.timeZone,
		defaultCurrency: settings.defaultCurrency,
		cardFeePercent: (settings.cardFeeBasisPoints / 100).toString(),
		bankName: settings.bankName,
		bankAccountNumber: settings.bankAccountNumber,
		iban: settings.iban,
		bic: settings.bic,
		vippsNumber: settings.vippsNumber,
		organisationNumber: formatOrganisationNumber(settings.organisationNumber),
		taxReportEnabled: settings.taxReportEnabled ? 'on' : '',
		taxReportThreshold: toInputString(settings.taxReportThresholdMinor, 'NOK'),
		embedOrigins: settings.embedOrigins.join(', ')
	};
	for (const locale of locales) {
		values[`appealTitle_${locale}`] = settings.appealTexts[locale]?.title ?? '';
		values[`appealBody_${locale}`] = settings.appealTexts[locale]?.body ?? '';
	}
	for (const c of settings.currencies) {
		const money = (minor: number) => toInputString(minor, c.currency);
		values[`enabled_${c.currency}`] = c.isEnabled ? 'on' : '';
		values[`presets_${c.currency}`] = c.presetAmountsMinor.map(money).join(', ');
		values[`minimum_${c.currency}`] = money(c.minimumMinor);
		values[`maximum_${c.currency}`] = money(c.maximumMinor);
		values[`fixedFee_${c.currency}`] = money(c.cardFeeFixedMinor);
	}
	return values;
}

/**
 * Reads a posted form's fields as trimmed text, keeping what was typed in `values` and each
 * field's first problem in `errors`; `text` also checks a required field and a length limit. The
 * settings and a campaign's form (which overrides some settings) read their fields this way.
 */
export function formTextReader<Code extends string>(form: FormData | Record<string, string>) {
	const get = (name: string) =>
		String((form instanceof FormData ? form.get(name) : form[name]) ?? '').trim();
	const values: Record<string, string> = {};
	const errors: Record<string, Code | 'required' | 'too_long'> = {};
	const text = (name: string, { required = false, max = 200 } = {}) => {
		const value = get(name);
		values[name] = value;
		if (required && !value) errors[name] = 'required';
		else if (value.length > max) errors[name] = 'too_long';
		return value;
	};
	return { get, values, errors, text };
}

export function readSettings(form: FormData | Record<string, string>): SettingsResult {
	const { get, values, errors, text } = formTextReader<SettingsErrorCode>(form);

	const name = text('name', { required: true });
	const contactEmail = text('contactEmail');
	if (contactEmail && !/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(contactEmail))
		errors.contactEmail = 'email_invalid';
	const timeZone = text('timeZone') || DEFAULT_TIME_ZONE;
	if (!isTimeZone(timeZone)) errors.timeZone = 'time_zone_invalid';
	const defaultCurrency = text('defaultCurrency');
	const percentText = text('cardFeePercent').replace(',', '.');
	const percent = Number(percentText);
	const cardFeeBasisPoints = Math.round(percent * 100);
	if (!/^\d{1,2}(\.\d{1,2})?$/.test(percentText) || cardFeeBasisPoints > 2000)
		errors.cardFeePercent = 'percent_invalid';

	const bank = {
		bankName: text('bankName'),
		bankAccountNumber: text('bankAccountNumber', { max: 40 }),
		iban: text('iban', { max: 40 }),
		bic: text('bic', { max: 20 }),
		vippsNumber: text('vippsNumber', { max: 20 })
	};

	const appealTexts: OrganisationSettings['appealTexts'] = {};
	for (const locale of locales) {
		const title = text(`appealTitle_${locale}`, { max: 200 });
		const body = text(`appealBody_${locale}`, { max: 4000 });
		if (title || body) appealTexts[locale] = { ...(title && { title }), ...(body && { body }) };
	}

	const currencies: CurrencySettings[] = [];
	for (const currency of supportedCurrencies) {
		const isEnabled = get(`enabled_${currency}`) === 'on';
		values[`enabled_${currency}`] = isEnabled ? 'on' : '';
		const amount = (field: string, { allowZero = false } = {}) => {
			const key = `${field}_${currency}`;
			const value = text(key);
			const parsed = parseAmount(value, currency);
			if (!parsed.ok || (!allowZero && parsed.amountMinor <= 0) || parsed.amountMinor < 0) {
				errors[key] = 'amount_invalid';
				return 0;
			}
			return parsed.amountMinor;
		};
		const minimumMinor = amount('minimum');
		const maximumMinor = amount('maximum');
		const cardFeeFixedMinor = amount('fixedFee', { allowZero: true });
		if (
			!errors[`minimum_${currency}`] &&
			!errors[`maximum_${currency}`] &&
			maximumMinor < minimumMinor
		)
			errors[`maximum_${currency}`] = 'range_invalid';
		const presetsKey = `presets_${currency}`;
		const presetTexts = text(presetsKey)
			.split(/[;,]\s+|;|\s*\n\s*/)
			.map((p) => p.trim())
			.filter(Boolean);
		const presetAmountsMinor: number[] = [];
		for (const preset of presetTexts) {
			const parsed = parseAmount(preset, currency);
			if (!parsed.ok || parsed.amountMinor < minimumMinor || parsed.amountMinor > maximumMinor) {
				errors[presetsKey] = 'presets_invalid';
				break;
			}
			presetAmountsMinor.push(parsed.amountMinor);
		}
		if (isEnabled && (presetAmountsMinor.length === 0 || presetAmountsMinor.length > 6))
			errors[presetsKey] ??= 'presets_invalid';
		currencies.push({
			currency,
			isEnabled,
			presetAmountsMinor,
			minimumMinor,
			maximumMinor,
			cardFeeFixedMinor
		});
	}
	if (!currencies.some((c) => c.isEnabled)) errors.currencies = 'no_currency';

	// Norwegian tax deduction: the organisation number is on every receipt once given, and the
	// tax report cannot be made without it.
	const taxReportEnabled = get('taxReportEnabled') === 'on';
	values.taxReportEnabled = taxReportEnabled ? 'on' : '';
	const organisationNumberText = text('organisationNumber', { max: 30 });
	const organisationNumber = organisationNumberText
		? normaliseOrganisationNumber(organisationNumberText)
		: '';
	if (organisationNumber === null) errors.organisationNumber = 'organisation_number_invalid';
	else if (taxReportEnabled && !organisationNumber) errors.organisationNumber = 'required';
	const threshold = parseAmount(text('taxReportThreshold'), 'NOK');
	if (!threshold.ok || threshold.amountMinor < 0) errors.taxReportThreshold = 'amount_invalid';
	if (!currencies.some((c) => c.isEnabled && c.currency === defaultCurrency))
		errors.defaultCurrency = 'required';

	const embedOrigins = readEmbedOrigins(text('embedOrigins', { max: 2000 }));
	if (!embedOrigins.ok) errors.embedOrigins = embedOrigins.error;

	if (Object.keys(errors).length > 0) return { ok: false, errors, values };
	return {
		ok: true,
		settings: {
			name,
			contactEmail,
			timeZone,
			defaultCurrency,
			cardFeeBasisPoints,
			...bank,
			appealTexts,
			currencies,
			organisationNumber: organisationNumber ?? '',
			taxReportEnabled,
			taxReportThresholdMinor: threshold.ok ? threshold.amountMinor : 0,
			embedOrigins: embedOrigins.ok ? embedOrigins.origins : []
		}
	};
}
