import { redirect } from '@sveltejs/kit';
import { isOnEmbedOrigin } from '$lib/embed/embed-origins';
import { getDatabase } from '$lib/server/db/instance';
import { didStartCheckout } from '$lib/server/http/started-checkouts';
import { getAppealSettings } from '$lib/server/organisation/settings';
import { findCheckoutAttemptBySession } from '$lib/server/stripe/checkout';
import { getStripe, isCardPaymentConfigured } from '$lib/server/stripe/client';
import { getVipps } from '$lib/server/vipps/client';
import { vippsReturn } from '$lib/server/vipps/return';
import type { PageServerLoad } from './$types';

// Plain HTML: nothing on this page needs a script.
export const csr = false;

/** A gift begun in an article on one of the allowed sites can return the reader there. */
const articleOf = (sourcePage: string | null, embedOrigins: string[]) =>
	isOnEmbedOrigin(sourcePage, embedOrigins) ? sourcePage : null;

export type CheckoutOutcome = 'received' | 'processing' | 'not_completed' | 'waiting';

// Shows honestly what Stripe says about the session, asked server-side. It records nothing: the
// gift is recorded from Stripe's events. The query string only names the session to ask about.
export const load: PageServerLoad = async ({ url, locals, cookies, setHeaders }) => {
	const vipps = getVipps();
	const vippsReference = url.searchParams.get('vipps');
	if (vippsReference !== null && vipps) {
		setHeaders({ 'cache-control': 'private, no-store' });
		const db = getDatabase();
		const [{ organisation }, returned] = await Promise.all([
			getAppealSettings(db),
			vippsReturn(db, vipps, vippsReference, (err) =>
				locals.log.error({ err }, 'could not ask Vipps about the payment')
			)
		]);
		if (!returned) redirect(303, '/');
		const isGiversBrowser = didStartCheckout({ cookies, url }, vippsReference);
		return {
			organisationName: organisation.name,
			outcome: returned.outcome as CheckoutOutcome,
			kind: returned.kind,
			email: isGiversBrowser ? returned.email : null,
			articleUrl: articleOf(returned.sourcePage, organisation.embed_origins),
			amount: isGiversBrowser ? returned.amount : null
		};
	}
	const sessionId = url.searchParams.get('session_id') ?? '';
	if (!/^cs_[A-Za-z0-9_]{10,200}$/.test(sessionId) || !isCardPaymentConfigured())
		redirect(303, '/');
	setHeaders({ 'cache-control': 'private, no-store' });

	const db = getDatabase();
	// Only sessions this site opened: a stranger's session id shows nothing of theirs.
	const attempt = await findCheckoutAttemptBySession(db, sessionId);
	if (!attempt) redirect(303, '/');

	const [{ organisation }, session] = await Promise.all([
		getAppealSettings(db),
		getStripe()
			.then((stripe) => stripe.checkout.sessions.retrieve(sessionId))
			.catch((err) => {
				locals.log.error({ err }, 'could not retrieve the checkout session');
				return null;
			})
	]);
	let outcome: CheckoutOutcome = 'processing';
	if (session?.status === 'complete') {
		outcome = session.payment_status === 'unpaid' ? 'processing' : 'received';
	} else if (session?.status === 'open' || session?.status === 'expired') {
		outcome = 'not_completed';
	}
	// Anyone else holding the link learns whether it went through, not who gave or how much.
	const isGiversBrowser = didStartCheckout({ cookies, url }, sessionId);
	return {
		organisationName: organisation.name,
		outcome,
		kind: attempt.kind,
		email: isGiversBrowser ? attempt.email : null,
		articleUrl: articleOf(attempt.source_page ?? null, organisation.embed_origins),
		amount:
			isGiversBrowser && session?.amount_total != null && session.currency
				? { amountMinor: session.amount_total, currency: session.currency.toUpperCase() }
				: null
	};
};
