import type { Kysely } from 'kysely';
import type Stripe from 'stripe';
import type { Database } from '../db/schema.ts';
import { handlers } from './handlers.ts';
import { receiveStripeEvent } from './webhook.ts';

export interface SyncReport {
	since: Date;
	listed: number;
	alreadyHandled: number;
	handled: number;
	failed: { id: string; type: string; error: string }[];
}

// Stripe keeps events for 30 days.
const RETENTION_DAYS = 30;

/**
 * Recovers gifts made while webhooks were not arriving: lists Stripe's events since `since` and
 * feeds each one not yet handled here through the same path as the webhook, oldest first.
 */
export async function syncStripeEvents(
	db: Kysely<Database>,
	stripe: Stripe,
	{ since = new Date(Date.now() - RETENTION_DAYS * 86_400_000) }: { since?: Date } = {}
): Promise<SyncReport> {
	const events: Stripe.Event[] = [];
	const types = [...handlers.keys()] as Stripe.EventListParams['types'];
	for await (const event of stripe.events.list({
		created: { gte: Math.floor(since.getTime() / 1000) },
		types,
		limit: 100
	})) {
		events.push(event);
	}
	events.reverse(); // Stripe lists newest first

	const report: SyncReport = {
		since,
		listed: events.length,
		alreadyHandled: 0,
		handled: 0,
		failed: []
	};
	// receiveStripeEvent itself tells an event already handled here (one quick read, no lock).
	for (const event of events) {
		const { outcome, error } = await receiveStripeEvent(db, stripe, event);
		if (outcome === 'failed') {
			report.failed.push({
				id: event.id,
				type: event.type,
				error: error instanceof Error ? error.message : String(error)
			});
		} else if (outcome === 'duplicate') {
			report.alreadyHandled++;
		} else {
			report.handled++;
		}
	}
	return report;
}
