import { sql, type Kysely } from 'kysely';
import type Stripe from 'stripe';
import type { Database } from '../db/schema.ts';
import { storableText } from '../../storable-text.ts';
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

	// A repeat of an event already done needs no transaction: done is final.
	const stored = await db
		.selectFrom('stripe_event')
		.select('status')
		.where('id', '=', event.id)
		.executeTakeFirst();
	if (stored?.status === 'processed') return { outcome: 'duplicate' };

	try {
		const applyChanges = await handle(stripe, event, { origin });
		const outcome = await db.transaction().execute(async (trx) => {
			// One statement stores the event as done, or else locks the stored row (waiting for
			// a delivery in flight elsewhere to finish) and says how far that one got. If the
			// work below fails, the rollback takes the new row with it.
			const claimed = await trx
				.insertInto('stripe_event')
				.values({ ...row, status: 'processed', processed_at: sql`now()`, attempts: 1 })
				.onConflict((oc) => oc.column('id').doUpdateSet({ status: sql`stripe_event.status` }))
				.returning(['status', sql<boolean>`xmax = 0`.as('isInserted')])
				.executeTakeFirstOrThrow();
			if (!claimed.isInserted && claimed.status === 'processed') return 'duplicate' as const;
			await applyChanges(trx);
			if (!claimed.isInserted) {
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
			}
			return 'processed' as const;
		});
		return { outcome };
	} catch (error) {
		const lastError = storableText(error instanceof Error ? error.message : String(error)).slice(
			0,
			2000
		);
		// If the body itself is what PostgreSQL refused, the failure is still recorded (with a
		// stand-in body) so that staff see it and stripe:sync can fetch the event again.
		const stub = JSON.stringify({ id: event.id, type: event.type, payload_not_stored: true });
		for (const payload of [row.payload, stub]) {
			const isRecorded = await recordFailure(db, { ...row, payload }, lastError);
			if (isRecorded) break;
		}
		return { outcome: 'failed', error };
	}
}

async function recordFailure(
	db: Kysely<Database>,
	row: { id: string; type: string; stripe_created_at: Date; payload: string },
	lastError: string
): Promise<boolean> {
	try {
		await db
			.insertInto('stripe_event')
			.values({ ...row, status: 'failed', attempts: 1, last_error: lastError })
			.onConflict((oc) =>
				oc
					.column('id')
					.doUpdateSet({
						status: 'failed',
						attempts: sql`stripe_event.attempts + 1`,
						last_error: lastError
					})
					.where('stripe_event.status', '<>', 'processed')
			)
			.execute();
		return true;
	} catch {
		return false; // the database itself may be what failed
	}
}
