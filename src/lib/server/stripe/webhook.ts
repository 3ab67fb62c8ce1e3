import { sql, type Kysely } from 'kysely';
import type Stripe from 'stripe';
import type { Database } from '../db-schema.ts';
import { handlers } from './handlers.ts';

export type EventOutcome = 'processed' | 'duplicate' | 'ignored' | 'failed';

/**
 * Stores a verified Stripe event once (by its id) and handles it in one transaction. Any instance
 * may receive any event, several times, at once: the row lock makes the second delivery wait for
 * the first and then see it done. A failure rolls the work back, is noted on the event, and is
 * reported so that Stripe (or `npm run stripe:sync`) delivers it again.
 */
export async function receiveStripeEvent(
	db: Kysely<Database>,
	stripe: Stripe,
	event: Stripe.Event
): Promise<{ outcome: EventOutcome; error?: unknown }> {
	await db
		.insertInto('stripe_event')
		.values({
			id: event.id,
			type: event.type,
			stripe_created_at: new Date(event.created * 1000),
			payload: JSON.stringify(event)
		})
		.onConflict((oc) => oc.column('id').doNothing())
		.execute();

	try {
		return {
			outcome: await db.transaction().execute(async (trx) => {
				const stored = await trx
					.selectFrom('stripe_event')
					.select('status')
					.where('id', '=', event.id)
					.forUpdate()
					.executeTakeFirstOrThrow();
				if (stored.status === 'processed') return 'duplicate';
				const handle = handlers[event.type];
				if (handle) await handle(trx, stripe, event);
				await trx
					.updateTable('stripe_event')
					.set({
						status: 'processed',
						processed_at: sql`now()`,
						attempts: sql`attempts + 1`,
						last_error: null
					})
					.where('id', '=', event.id)
					.execute();
				return handle ? 'processed' : 'ignored';
			})
		};
	} catch (error) {
		await db
			.updateTable('stripe_event')
			.set({
				status: 'failed',
				attempts: sql`attempts + 1`,
				last_error: error instanceof Error ? error.message.slice(0, 2000) : String(error)
			})
			.where('id', '=', event.id)
			.where('status', '<>', 'processed')
			.execute()
			.catch(() => {}); // the database itself may be what failed
		return { outcome: 'failed', error };
	}
}
