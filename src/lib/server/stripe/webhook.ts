import { sql, type Kysely } from 'kysely';
import type Stripe from 'stripe';
import type { Database } from '../db/schema.ts';
import { receiveProviderEvent } from '../giving/provider-events.ts';
import { config } from '../config.ts';
import { handlers } from './handlers.ts';

export interface ReceiveOptions {
	/** The body as Stripe sent it, stored as is; without it the event is serialised again. */
	rawPayload?: string;
	/** The site's public origin, for links in emails; by default ORIGIN, as `npm start` sets it. */
	origin?: string;
}

export type EventOutcome = 'processed' | 'duplicate' | 'ignored' | 'failed';

/**
 * Stores a verified Stripe event once (by its id) and handles it in the same transaction. Any
 * instance may receive any event, several times, at once: the row lock makes the second delivery
 * wait for the first and then see it done. What Stripe has to say is fetched before the
 * transaction opens, so no lock is held across the network. A failure rolls the work back, is
 * noted on the event, and is reported so that Stripe (or `npm run stripe:sync`) delivers it again.
 */
export async function receiveStripeEvent(
	db: Kysely<Database>,
	stripe: Stripe,
	event: Stripe.Event,
	{ rawPayload, origin = config().ORIGIN }: ReceiveOptions = {}
): Promise<{ outcome: EventOutcome; error?: unknown }> {
	const row = {
		id: event.id,
		type: event.type,
		stripe_created_at: new Date(event.created * 1000),
		payload: rawPayload ?? JSON.stringify(event)
	};
	const handle = handlers.get(event.type);
	if (!handle) {
		// Types Komak does not act on are kept for the record, done at once.
		const inserted = await db
			.insertInto('stripe_event')
			.values({ ...row, status: 'processed', processed_at: sql`now()`, attempts: 1 })
			.onConflict((oc) => oc.column('id').doNothing())
			.returning('id')
			.executeTakeFirst();
		return { outcome: inserted ? 'ignored' : 'duplicate' };
	}

	return receiveProviderEvent(db, 'stripe_event', row, () => handle(stripe, event, { origin }), {
		stubPayload: JSON.stringify({ id: event.id, type: event.type, payload_not_stored: true })
	});
}
