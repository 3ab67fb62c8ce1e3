import { locales, type Locale } from '../locales.ts';
import { parseAmount, supportedCurrencies, toInputString } from '../money.ts';
import { formTextReader } from '../organisation/settings-form.ts';

// The admin's campaign form (admin only). Pure: the server reads every submission with it.

export type CampaignErrorCode =
	| 'required'
	| 'too_long'
	| 'slug_invalid'
	| 'slug_taken'
	| 'date_invalid'
	| 'dates_order'
	| 'amount_invalid'
	| 'presets_invalid';

export interface CampaignInput {
	name: string;
	slug: string;
	/** `YYYY-MM-DD` */
	startsOn: string;
	endsOn: string | null;
	goals: Record<string, number>;
	appealTexts: Partial<Record<Locale, { title?: string; body?: string }>>;
	presetAmounts: Record<string, number[]>;
	defaultFrequency: 'one_off' | 'monthly' | null;
}

export type CampaignValues = Record<string, string>;

export type CampaignFormResult =
	| { ok: true; campaign: CampaignInput; values: CampaignValues }
	| { ok: false; errors: Record<string, CampaignErrorCode>; values: CampaignValues };

export const SLUG_PATTERN = /^[a-z0-9][a-z0-9-]{0,62}$/;

const isCalendarDate = (value: string) =>
	/^\d{4}-\d{2}-\d{2}$/.test(value) &&
	!Number.isNaN(Date.parse(`${value}T00:00:00Z`)) &&
	new Date(`${value}T00:00:00Z`).toISOString().startsWith(value);

/** The form's fields as text, from a stored campaign (or empty, for a new one). */
export function campaignToValues(campaign: CampaignInput | null, today: string): CampaignValues {
	const values: CampaignValues = {
		name: campaign?.name ?? '',
		slug: campaign?.slug ?? '',
		startsOn: campaign?.startsOn ?? today,
		endsOn: campaign?.endsOn ?? '',
		defaultFrequency: campaign?.defaultFrequency ?? ''
	};
	for (const locale of locales) {
		values[`appealTitle_${locale}`] = campaign?.appealTexts[locale]?.title ?? '';
		values[`appealBody_${locale}`] = campaign?.appealTexts[locale]?.body ?? '';
	}
	for (const currency of supportedCurrencies) {
		const goal = campaign?.goals[currency];
		values[`goal_${currency}`] = goal ? toInputString(goal, currency) : '';
		values[`presets_${currency}`] = (campaign?.presetAmounts[currency] ?? [])
			.map((minor) => toInputString(minor, currency))
			.join(', ');
	}
	return values;
}

export function readCampaign(form: FormData | Record<string, string>): CampaignFormResult {
	const { values, errors, text } = formTextReader<CampaignErrorCode>(form);

	const name = text('name', { required: true });
	const slug = text('slug', { required: true, max: 63 }).toLowerCase();
	values.slug = slug;
	if (slug && !errors.slug && !SLUG_PATTERN.test(slug)) errors.slug = 'slug_invalid';
	const startsOn = text('startsOn', { required: true, max: 10 });
	if (startsOn && !isCalendarDate(startsOn)) errors.startsOn = 'date_invalid';
	const endsOn = text('endsOn', { max: 10 });
	if (endsOn && !isCalendarDate(endsOn)) errors.endsOn = 'date_invalid';
	else if (endsOn && !errors.startsOn && endsOn < startsOn) errors.endsOn = 'dates_order';
	const frequency = text('defaultFrequency');
	const defaultFrequency = frequency === 'monthly' || frequency === 'one_off' ? frequency : null;

	const appealTexts: CampaignInput['appealTexts'] = {};
	for (const locale of locales) {
		const title = text(`appealTitle_${locale}`, { max: 200 });
		const body = text(`appealBody_${locale}`, { max: 4000 });
		if (title || body) appealTexts[locale] = { ...(title && { title }), ...(body && { body }) };
	}

	const goals: Record<string, number> = {};
	const presetAmounts: Record<string, number[]> = {};
	for (const currency of supportedCurrencies) {
		const goalKey = `goal_${currency}`;
		const goalText = text(goalKey, { max: 20 });
		if (goalText) {
			const parsed = parseAmount(goalText, currency);
			if (!parsed.ok || parsed.amountMinor <= 0) errors[goalKey] = 'amount_invalid';
			else goals[currency] = parsed.amountMinor;
		}
		const presetsKey = `presets_${currency}`;
		const presets = text(presetsKey)
			.split(/[;,]\s+|;|\s*\n\s*/)
			.map((p) => p.trim())
			.filter(Boolean);
		const parsedPresets: number[] = [];
		for (const preset of presets) {
			const parsed = parseAmount(preset, currency);
			if (!parsed.ok || parsed.amountMinor <= 0) {
				errors[presetsKey] = 'presets_invalid';
				break;
			}
			parsedPresets.push(parsed.amountMinor);
		}
		if (parsedPresets.length > 6) errors[presetsKey] = 'presets_invalid';
		if (parsedPresets.length && !errors[presetsKey]) presetAmounts[currency] = parsedPresets;
	}

	if (Object.keys(errors).length > 0) return { ok: false, errors, values };
	return {
		ok: true,
		values,
		campaign: {
			name,
			slug,
			startsOn,
			endsOn: endsOn || null,
			goals,
			appealTexts,
			presetAmounts,
			defaultFrequency
		}
	};
}
