import { json, text } from '@sveltejs/kit';
import type Stripe from 'stripe';
import { getDatabase } from '$lib/server/database';
import { getStripe, isCardPaymentConfigured } from '$lib/server/stripe/client';
import { receiveStripeEvent } from '$lib/server/stripe/webhook';
import type { RequestHandler } from './$types';

// Stripe's webhook: the raw body is verified against STRIPE_WEBHOOK_SECRET (default 5-minute
// tolerance) before anything is stored. 2xx means handled (or already handled); 5xx asks Stripe to
// deliver again.
export const POST: RequestHandler = async ({ request, locals, url }) => {
	const secret = process.env.STRIPE_WEBHOOK_SECRET;
	if (!secret || !isCardPaymentConfigured()) {
		locals.log.error(
			'Stripe webhook received but STRIPE_SECRET_KEY or STRIPE_WEBHOOK_SECRET is not set'
		);
		return text('Stripe is not configured', { status: 503 });
	}
	const payload = await request.text();
	const signature = request.headers.get('stripe-signature') ?? '';
	const stripe = getStripe();
	let event: Stripe.Event;
	try {
		event = stripe.webhooks.constructEvent(payload, signature, secret);
	} catch (error) {
		locals.log.warn({ err: error }, 'Stripe webhook with a bad signature refused');
		return text('Invalid signature', { status: 400 });
	}
	const { outcome, error } = await receiveStripeEvent(getDatabase(), stripe, event, {
		rawPayload: payload,
		origin: url.origin
	});
	const log = locals.log.child({ stripeEvent: event.id, type: event.type, outcome });
	if (outcome === 'failed') {
		log.error({ err: error }, 'Stripe event failed; Stripe will retry');
		return json({ received: false }, { status: 500 });
	}
	log.info('Stripe event');
	return json({ received: true, outcome });
};
