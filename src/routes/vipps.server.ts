import { fail, redirect, type RequestEvent } from '@sveltejs/kit';
import { m } from '$lib/paraglide/messages';
import { getDatabase } from '$lib/server/db/instance';
import { consumeRateLimit } from '$lib/server/http/rate-limit';
import { rememberStartedCheckout } from '$lib/server/http/started-checkouts';
import { findOrganisation, listEnabledCurrencies } from '$lib/server/organisation/settings';
import { getVipps } from '$lib/server/vipps/client';
import { startVippsAgreement } from '$lib/server/vipps/agreements';
import { startVippsPayment } from '$lib/server/vipps/payments';
import { readDonation, startedAttribution } from './donation.server';

// The appeal's "Give with Vipps": the same form and checks as the card button, then off to
// Vipps's landing page (the app on a phone, a phone number on a computer): a payment for a
// one-off gift, an agreement for a monthly one. Gifts are recorded from Vipps's report, never
// from the return to /thank-you.

// Shared with card checkouts: a handful of payments per client per ten minutes.
const PAYMENT_LIMIT = { limit: 10, windowSeconds: 600 };

export async function giveWithVipps({
	request,
	url,
	locals,
	cookies,
	getClientAddress
}: RequestEvent) {
	const db = getDatabase();
	const [organisation, currencies] = await Promise.all([
		findOrganisation(db),
		listEnabledCurrencies(db)
	]);
	const result = await readDonation(request, {
		currencies,
		cardFeeBasisPoints: organisation.card_fee_basis_points,
		locale: locals.locale
	});
	if (!result.ok) return result.refusal;
	const { donation, values } = result;
	const vipps = getVipps();
	if (!vipps) return fail(503, { values, errors: {}, formError: m.error_vipps_unavailable() });
	if (donation.currency !== 'NOK')
		return fail(400, { values, errors: {}, formError: m.error_vipps_nok() });
	if (!(await consumeRateLimit(db, `checkout:${getClientAddress()}`, PAYMENT_LIMIT)))
		return fail(429, { values, errors: {}, formError: m.error_too_many_attempts() });

	const attribution = await startedAttribution(db, result.form, request, url);
	let redirectUrl: string;
	try {
		const started =
			donation.kind === 'monthly'
				? await startVippsAgreement(db, vipps, {
						donation,
						attribution,
						locale: locals.locale,
						origin: url.origin,
						productName: m.checkout_product_monthly({ organisation: organisation.name })
					})
				: await startVippsPayment(db, vipps, {
						donation,
						attribution,
						locale: locals.locale,
						origin: url.origin,
						description: m.checkout_product_one_off({ organisation: organisation.name })
					});
		redirectUrl = started.redirectUrl;
		rememberStartedCheckout({ cookies, url }, started.reference);
	} catch (error) {
		locals.log.error({ err: error }, 'Vipps payment could not be created');
		return fail(502, { values, errors: {}, formError: m.error_vipps_unavailable() });
	}
	redirect(303, redirectUrl);
}
