import { sourcePageOf } from '$lib/campaigns/attribution';
import { m } from '$lib/paraglide/messages';
import { getLocale } from '$lib/paraglide/runtime';
import type { DonationFormValues } from '$lib/giving/donation-form';
import { otherWaysWords } from '$lib/giving/other-ways';
import { toInputString } from '$lib/money';
import { getDatabase } from '$lib/server/db/instance';
import { getAppealSettings, givingDetails } from '$lib/server/organisation/settings';
import { vippsDonationUrl } from '$lib/server/organisation/qr';
import { isCardPaymentConfigured } from '$lib/server/stripe/client';
import { isVippsConfigured } from '$lib/server/vipps/settings';
import { findRunningCampaign, campaignProgress } from '$lib/server/campaigns/campaigns';

// What the appeal shows, for its own page (`/`) and for the one inside articles (`/embed`).

// Settings change a few times a year: they come from memory, not from a query per visit.
export const loadAppealSettings = () => getAppealSettings(getDatabase());

/** The form as first shown; a cancelled checkout comes back with the supporter's choices. */
function initialValues(
	url: URL,
	defaultCurrency: string,
	currencies: { currency: string; presetAmountsMinor: number[] }[],
	defaultFrequency: 'one_off' | 'monthly' | null
): DonationFormValues {
	const askedFrequency = url.searchParams.get('frequency');
	const asked = url.searchParams.get('currency')?.toUpperCase();
	const currency =
		currencies.find((c) => c.currency === asked) ??
		currencies.find((c) => c.currency === defaultCurrency) ??
		currencies[0];
	const presets = currency?.presetAmountsMinor ?? [];
	const suggested = presets[Math.min(1, presets.length - 1)];
	const askedAmount = url.searchParams.get('amount') ?? '';
	const isPreset = presets.some((p) => toInputString(p, currency.currency) === askedAmount);
	return {
		frequency:
			askedFrequency === 'monthly' ||
			(askedFrequency !== 'one_off' && defaultFrequency === 'monthly')
				? 'monthly'
				: 'one_off',
		currency: currency?.currency ?? '',
		amount:
			isPreset || !askedAmount
				? askedAmount || (suggested ? toInputString(suggested, currency.currency) : '')
				: '',
		customAmount: isPreset ? '' : askedAmount,
		name: '',
		email: '',
		isAnonymous: false,
		dedication: '',
		coversFee: false
	};
}

/**
 * The appeal's data. A campaign that runs today brings its words, amounts and progress; any other
 * campaign name is the organisation's own appeal, with no error for the reader.
 */
export async function appealData(url: URL, campaignSlug: string | null | undefined) {
	const { organisation, currencies: appealCurrencies } = await loadAppealSettings();
	const campaign = await findRunningCampaign(getDatabase(), campaignSlug ?? null);
	const currencies = campaign
		? appealCurrencies.map((rules) => {
				const presets = (campaign.presetAmounts[rules.currency] ?? []).filter(
					(amount) => amount >= rules.minimumMinor && amount <= rules.maximumMinor
				);
				return presets.length ? { ...rules, presetAmountsMinor: presets } : rules;
			})
		: appealCurrencies;
	// The page's words in its one language, chosen here: the browser is then not sent the default
	// appeal in all four languages (a language change reloads the page).
	const texts = {
		...organisation.appeal_texts[getLocale()],
		...campaign?.appealTexts[getLocale()]
	};
	return {
		campaign: campaign && {
			slug: campaign.slug,
			progress: await campaignProgress(getDatabase(), campaign)
		},
		appeal: {
			title: texts.title || m.appeal_title(),
			body: texts.body || m.appeal_body({ organisation: organisation.name }),
			promise: m.appeal_promise(),
			manageMonthly: m.appeal_manage_monthly(),
			skipToForm: m.skip_to_form(),
			pageTitle: m.page_title({ organisation: organisation.name }),
			description: m.meta_description()
		},
		otherWays: otherWaysWords(organisation.name, organisation.vipps_number),
		organisation: {
			name: organisation.name,
			...givingDetails(organisation),
			contactEmail: organisation.contact_email
		},
		currencies,
		vippsUrl: organisation.vipps_number ? vippsDonationUrl(organisation.vipps_number) : null,
		isCardPaymentAvailable: isCardPaymentConfigured(),
		isVippsAvailable: isVippsConfigured(),
		// The article the appeal was opened from, as embed.js names it (`?source=`).
		sourcePage: sourcePageOf(url.searchParams.get('source')) ?? '',
		initialValues: initialValues(
			url,
			organisation.default_currency,
			currencies,
			campaign?.defaultFrequency ?? null
		)
	};
}
