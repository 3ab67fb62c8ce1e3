import { fail, redirect, type RequestEvent } from '@sveltejs/kit';
import { m } from '$lib/paraglide/messages';
import { getDatabase } from '$lib/server/db/instance';
import { rememberStartedCheckout } from '$lib/server/http/started-checkouts';
import { consumeRateLimit } from '$lib/server/http/rate-limit';
import { createCheckoutSession } from '$lib/server/stripe/checkout';
import { getStripe, isCardPaymentConfigured } from '$lib/server/stripe/client';
import type { Actions, PageServerLoad } from './$types';
import { appealData, loadAppealSettings } from './appeal.server';
import { readDonation, startedAttribution } from './donation.server';
import { giveWithVipps } from './vipps.server';

// The page works as plain HTML; its one small script (donation-form-enhance.ts) adds the rest, so
// phones are not sent SvelteKit's client and Svelte's runtime for it.
export const csr = false;

export const load: PageServerLoad = ({ url }) => appealData(url, url.searchParams.get('campaign'));

// Card-testing protection: a handful of checkout sessions per client per ten minutes.
const CHECKOUT_LIMIT = { limit: 10, windowSeconds: 600 };

export const actions = {
	// Any route's event: the appeal inside an article (/embed) posts to these actions too.
	give: async ({ request, url, locals, cookies, getClientAddress }: RequestEvent) => {
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
