import type { Kysely } from 'kysely';
import type { Database } from '../db/schema.ts';
import type { VippsClient } from './client.ts';
import { verifyVippsDelivery } from './verify.ts';
import { receiveVippsEvent, vippsEventId, type EventOutcome } from './webhook.ts';
import { knownWebhooks } from './webhooks.ts';

export interface DeliveryAnswer {
	status: number;
	body: { received: boolean; outcome?: EventOutcome; refused?: string };
	/** For the log. */
	eventId?: string;
	error?: unknown;
}

/**
 * One POST to /webhooks/vipps: nothing is stored unless the signature is right and fresh; 2xx
 * means handled (now or before), 5xx asks Vipps to deliver again.
 */
export async function receiveVippsDelivery(
	db: Kysely<Database>,
	vipps: VippsClient,
	body: string,
	headers: Headers
): Promise<DeliveryAnswer> {
	const verified = verifyVippsDelivery(
		body,
		{
			date: headers.get('x-ms-date') ?? '',
			contentSha256: headers.get('x-ms-content-sha256') ?? '',
			authorization: headers.get('authorization') ?? ''
		},
		await knownWebhooks(db)
	);
	if (!verified.ok) {
		const status = verified.reason === 'not_an_event' ? 400 : 401;
		return { status, body: { received: false, refused: verified.reason } };
	}
	const { event, payload } = verified;
	const { outcome, error } = await receiveVippsEvent(db, vipps, event, payload);
	const eventId = vippsEventId(event);
	if (outcome === 'failed') return { status: 500, body: { received: false }, eventId, error };
	return { status: 200, body: { received: true, outcome }, eventId };
}
