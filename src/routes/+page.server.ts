import { fail, redirect } from '@sveltejs/kit';
import { m } from '$lib/paraglide/messages';
import { getLocale } from '$lib/paraglide/runtime';
import type { DonationFormValues } from '$lib/giving/donation-form';
import { otherWaysWords } from '$lib/giving/other-ways';
import { toInputString } from '$lib/money';
import { getDatabase } from '$lib/server/db/instance';
import { getAppealSettings, givingDetails } from '$lib/server/organisation/settings';
import { vippsDonationUrl } from '$lib/server/organisation/qr';
import { rememberStartedCheckout } from '$lib/server/http/started-checkouts';
import { consumeRateLimit } from '$lib/server/http/rate-limit';
import { createCheckoutSession } from '$lib/server/stripe/checkout';
import { getStripe, isCardPaymentConfigured } from '$lib/server/stripe/client';
import type { Actions, PageServerLoad } from './$types';
import { isVippsConfigured } from '$lib/server/vipps/settings';
import { findRunningCampaign, campaignProgress } from '$lib/server/campaigns/campaigns';
import { readDonation, startedAttribution } from './donation.server';
import { giveWithVipps } from './vipps.server';

// The page works as plain HTML; its one small script (donation-form-enhance.ts) adds the rest, so
// phones are not sent SvelteKit's client and Svelte's runtime for it.
export const csr = false;

// Settings change a few times a year: they come from memory, not from a query per visit.
const loadAppealSettings = () => getAppealSettings(getDatabase());

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

export const load: PageServerLoad = async ({ url }) => {
	const { organisation, currencies: appealCurrencies } = await loadAppealSettings();
	// A campaign that runs today brings its words, amounts and progress; any other campaign name
	// is the organisation's own appeal, with no error for the reader.
	const campaign = await findRunningCampaign(getDatabase(), url.searchParams.get('campaign'));
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
		initialValues: initialValues(
			url,
			organisation.default_currency,
			currencies,
			campaign?.defaultFrequency ?? null
		)
	};
};

// Card-testing protection: a handful of checkout sessions per client per ten minutes.
const CHECKOUT_LIMIT = { limit: 10, windowSeconds: 600 };

export const actions = {
	give: async ({ request, url, locals, cookies, getClientAddress }) => {
		const { organisation, currencies } = await loadAppealSettings();
		const result = await readDonation(request, {
			currencies,
			cardFeeBasisPoints: organisation.card_fee_basis_points,
			locale: locals.locale
		});
		if (!result.ok) return result.refusal;

		// Without Stripe the supporter is sent to the bank and Vipps details, never to a dead end.
		if (!isCardPaymentConfigured()) {
			return fail(503, { values: result.values, errors: {}, isCardPaymentUnavailable: true });
		}
		const db = getDatabase();
		if (!(await consumeRateLimit(db, `checkout:${getClientAddress()}`, CHECKOUT_LIMIT))) {
			return fail(429, {
				values: result.values,
				errors: {},
				formError: m.error_too_many_attempts()
			});
		}
		const { donation } = result;
		const attribution = await startedAttribution(db, result.form, request, url);
		let checkoutUrl: string | null;
		try {
			const session = await createCheckoutSession(db, await getStripe(), {
				donation,
				attribution,
				locale: locals.locale,
				origin: url.origin,
				productName:
					donation.kind === 'monthly'
						? m.checkout_product_monthly({ organisation: organisation.name })
						: m.checkout_product_one_off({ organisation: organisation.name })
			});
			checkoutUrl = session.url;
			rememberStartedCheckout({ cookies, url }, session.id);
		} catch (error) {
			locals.log.error({ err: error }, 'Stripe Checkout could not be opened');
			checkoutUrl = null;
		}
		if (!checkoutUrl) {
			return fail(502, {
				values: result.values,
				errors: {},
				formError: m.error_checkout_unavailable()
			});
		}
		redirect(303, checkoutUrl);
	},
	vipps: giveWithVipps
} satisfies Actions;
