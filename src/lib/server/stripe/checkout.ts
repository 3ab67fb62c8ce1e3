import type { Kysely } from 'kysely';
import type Stripe from 'stripe';
import type { Donation } from '../../giving/donation-form.ts';
import { toInputString } from '../../money.ts';
import type { AttributionColumns, Database } from '../db/schema.ts';
import { supporterChoices } from '../giving/started-donation.ts';
import { findSupporterByEmail } from '../supporters/supporters.ts';

export interface CheckoutRequest {
	donation: Donation;
	/** The campaign and source the checkout came from. */
	attribution?: AttributionColumns;
	locale: string;
	/** The site's own origin, for the return addresses. */
	origin: string;
	/** What the supporter's bank statement and receipt call the gift. */
	productName: string;
}

// Checkout's own languages: Norwegian is one; Pashto and Dari are not, so Stripe follows the
// browser there.
const checkoutLocales: Record<string, Stripe.Checkout.SessionCreateParams.Locale> = {
	en: 'en',
	nb: 'nb'
};

/**
 * Records the attempt, then opens a Stripe Checkout Session for it. Nothing here records money:
 * gifts are recorded from Stripe's events (the webhook), never from the browser's return.
 */
export async function createCheckoutSession(
	db: Kysely<Database>,
	stripe: Stripe,
	{ donation, attribution, locale, origin, productName }: CheckoutRequest
): Promise<Stripe.Checkout.Session> {
	const attempt = await db
		.insertInto('checkout_attempt')
		.values({
			kind: donation.kind,
			currency: donation.currency,
			amount_minor: donation.amountMinor,
			fee_top_up_minor: donation.feeTopUpMinor,
			...supporterChoices(donation, locale, attribution)
		})
		.returning('id')
		.executeTakeFirstOrThrow();

	const known = await findSupporterByEmail(db, donation.email);
	const isMonthly = donation.kind === 'monthly';
	const metadata = {
		komak_attempt_id: attempt.id,
		kind: donation.kind,
		amount_minor: String(donation.amountMinor),
		fee_top_up_minor: String(donation.feeTopUpMinor),
		currency: donation.currency,
		is_anonymous: String(donation.isAnonymous),
		locale,
		dedication: donation.dedication.slice(0, 500)
	};
	const back = new URL('/', origin);
	back.search = new URLSearchParams({
		frequency: donation.kind,
		currency: donation.currency,
		amount: toInputString(donation.amountMinor, donation.currency)
	}).toString();
	back.hash = 'donate';

	const params: Stripe.Checkout.SessionCreateParams = {
		mode: isMonthly ? 'subscription' : 'payment',
		line_items: [
			{
				quantity: 1,
				price_data: {
					currency: donation.currency.toLowerCase(),
					unit_amount: donation.totalMinor,
					product_data: { name: productName },
					...(isMonthly && { recurring: { interval: 'month' } })
				}
			}
		],
		...(known?.stripe_customer_id
			? { customer: known.stripe_customer_id }
			: { customer_email: donation.email }),
		locale: checkoutLocales[locale] ?? 'auto',
		client_reference_id: attempt.id,
		metadata,
		success_url: `${origin}/thank-you?session_id={CHECKOUT_SESSION_ID}`,
		cancel_url: back.toString(),
		...(isMonthly
			? { subscription_data: { metadata, description: productName } }
			: {
					submit_type: 'donate',
					// A customer, so that receipts and the self-service page work later.
					...(!known?.stripe_customer_id && { customer_creation: 'always' }),
					payment_intent_data: { metadata, description: productName }
				})
	};
	const session = await stripe.checkout.sessions.create(params, {
		idempotencyKey: `komak-checkout-${attempt.id}`
	});
	await db
		.updateTable('checkout_attempt')
		.set({ stripe_checkout_session_id: session.id, status: 'open' })
		.where('id', '=', attempt.id)
		.execute();
	return session;
}

/** The attempt that opened a Checkout Session: what kind of gift, and the address typed for it. */
export async function findCheckoutAttemptBySession(db: Kysely<Database>, sessionId: string) {
	return db
		.selectFrom('checkout_attempt')
		.select(['kind', 'email', 'source_page'])
		.where('stripe_checkout_session_id', '=', sessionId)
		.executeTakeFirst();
}
