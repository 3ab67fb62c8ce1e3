import type Stripe from 'stripe';
import { z } from 'zod';
import { storableJson, storableJsonText } from '../../storable-text.ts';

// A webhook delivery is believed only when its signature is right, its time is near ours on
// both sides (Stripe's SDK checks only that it is not too old), and its body is an event.

/** Stripe's default: a delivery older than this is a replay. */
export const SIGNATURE_TOLERANCE_SECONDS = 300;
/** Clocks drift a little; a signature from further in the future was not made by Stripe just now. */
export const FUTURE_TOLERANCE_SECONDS = 60;

const FIRST_STRIPE_EVENT = Date.UTC(2011, 0, 1) / 1000;

const eventShape = z.object({
	id: z.string().min(1).max(255),
	object: z.literal('event').optional(),
	type: z.string().regex(/^[a-z_]+(\.[a-z_]+)+$/),
	created: z.number().int().min(FIRST_STRIPE_EVENT),
	data: z.object({ object: z.record(z.string(), z.unknown()) })
});

export type VerifiedDelivery =
	| { ok: true; event: Stripe.Event; payload: string }
	| { ok: false; reason: 'signature' | 'future' | 'not_an_event' };

export function verifyStripeDelivery(
	stripe: Stripe,
	payload: string,
	signatureHeader: string,
	secret: string,
	now = Date.now()
): VerifiedDelivery {
	let parsed: unknown;
	try {
		parsed = stripe.webhooks.constructEvent(
			payload,
			signatureHeader,
			secret,
			SIGNATURE_TOLERANCE_SECONDS,
			undefined,
			// One clock for both checks: the age Stripe measures and the future one below.
			now
		);
	} catch {
		return { ok: false, reason: 'signature' };
	}
	const signedAt = Number(/(?:^|,)\s*t=(\d+)/.exec(signatureHeader)?.[1]);
	if (!(signedAt <= now / 1000 + FUTURE_TOLERANCE_SECONDS)) return { ok: false, reason: 'future' };
	const shape = eventShape.safeParse(parsed);
	if (!shape.success || shape.data.created > now / 1000 + 86_400)
		return { ok: false, reason: 'not_an_event' };
	return {
		ok: true,
		event: storableJson(parsed as Stripe.Event),
		payload: storableJsonText(payload)
	};
}
