import type { Kysely } from 'kysely';
import { config } from '../config.ts';
import type { Database } from '../db/schema.ts';
import { receiveProviderEvent } from '../giving/provider-events.ts';
import type { VippsClient } from './client.ts';
import { settleVippsAgreement } from './agreements.ts';
import { settleVippsPayment } from './handlers.ts';
import type { VippsWebhookEvent } from './types.ts';

export type EventOutcome = 'processed' | 'duplicate' | 'failed';

/**
 * Vipps's events have no id of their own. A payment's is what happened and that step's PSP
 * reference; an agreement's is what happened to it or to which of its charges.
 */
export function vippsEventFacts(event: VippsWebhookEvent) {
	if ('eventType' in event)
		return {
			id: `${event.agreementId}:${event.chargeId ?? ''}:${event.eventType}`,
			name: event.eventType,
			reference: event.agreementId,
			timestamp: new Date(event.occurred)
		};
	return {
		id: `${event.reference}:${event.name}:${event.pspReference}`,
		name: event.name,
		reference: event.reference,
		timestamp: new Date(event.timestamp)
	};
}

export const vippsEventId = (event: VippsWebhookEvent) => vippsEventFacts(event).id;

/**
 * Stores a verified Vipps event once and handles it in the same transaction, as Stripe's are: any
 * instance may receive any event, several times, at once, and the row lock makes a second
 * delivery wait for the first and then see it done. Vipps is asked about the payment before the
 * transaction opens. A failure rolls the work back, is noted on the event and reported, so that
 * Vipps (or `npm run vipps:sync`) tries again.
 */
export async function receiveVippsEvent(
	db: Kysely<Database>,
	vipps: VippsClient,
	event: VippsWebhookEvent,
	payload: string = JSON.stringify(event),
	{ origin = config().ORIGIN }: { origin?: string } = {}
): Promise<{ outcome: EventOutcome; error?: unknown }> {
	const facts = vippsEventFacts(event);
	const { id } = facts;
	const row = {
		id,
		name: facts.name,
		reference: facts.reference,
		vipps_timestamp: facts.timestamp,
		payload
	};
	return receiveProviderEvent(db, 'vipps_event', row, () =>
		'eventType' in event
			? settleVippsAgreement(db, vipps, event.agreementId, { origin })
			: settleVippsPayment(db, vipps, event.reference, { receivedAt: facts.timestamp })
	);
}
