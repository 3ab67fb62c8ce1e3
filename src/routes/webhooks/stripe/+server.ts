import { json, text } from '@sveltejs/kit';
import { config } from '$lib/server/config';
import { getDatabase } from '$lib/server/db/instance';
import { getStripe, isCardPaymentConfigured } from '$lib/server/stripe/client';
import { verifyStripeDelivery } from '$lib/server/stripe/verify';
import { receiveStripeEvent } from '$lib/server/stripe/webhook';
import type { RequestHandler } from './$types';

const refusals = {
	signature: 'Invalid signature',
	future: 'Signature timestamp is in the future',
	not_an_event: 'The body is not a Stripe event'
};

// Stripe's webhook: the raw body is verified against STRIPE_WEBHOOK_SECRET (5 minutes back,
// 1 minute ahead) and must be an event before anything is stored. 2xx means handled (or already handled); 5xx asks Stripe to
// deliver again.
export const POST: RequestHandler = async ({ request, locals, url }) => {
	const secret = config().STRIPE_WEBHOOK_SECRET;
	if (!secret || !isCardPaymentConfigured()) {
		locals.log.error(
			'Stripe webhook received but STRIPE_SECRET_KEY or STRIPE_WEBHOOK_SECRET is not set'
		);
		return text('Stripe is not configured', { status: 503 });
	}
	const payload = await request.text();
	const signature = request.headers.get('stripe-signature') ?? '';
	const stripe = await getStripe();
	const delivery = verifyStripeDelivery(stripe, payload, signature, secret);
	if (!delivery.ok) {
		locals.log.warn({ reason: delivery.reason }, 'Stripe webhook refused');
		return text(refusals[delivery.reason], { status: 400 });
	}
	const { event } = delivery;
	const { outcome, error } = await receiveStripeEvent(getDatabase(), stripe, event, {
		rawPayload: delivery.payload,
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
