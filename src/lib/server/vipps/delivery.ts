import type { Kysely } from 'kysely';
import type { Database } from '../db/schema.ts';
import { verifyVippsDelivery, type KnownWebhook } from './verify.ts';
import { storeVippsEvent, vippsEventId } from './webhook.ts';
import { knownWebhooks } from './webhooks.ts';

export interface DeliveryAnswer {
	status: number;
	body: { received: boolean; outcome?: 'stored' | 'duplicate'; refused?: string };
	/** For the log. */
	eventId?: string;
}

// The secrets change only when a webhook is registered again, so each instance keeps them a
// little while instead of reading (and unsealing) them for every delivery; a delivery they do not
// verify is checked once more against the database, so a new registration is never refused.
const SECRETS_KEPT_MS = 30_000;
const keptSecrets = new WeakMap<Kysely<Database>, { webhooks: KnownWebhook[]; readAt: number }>();

async function secretsOf(db: Kysely<Database>, { isFreshNeeded = false } = {}) {
	const kept = keptSecrets.get(db);
	if (kept && !isFreshNeeded && performance.now() - kept.readAt < SECRETS_KEPT_MS)
		return { webhooks: kept.webhooks, isKept: true };
	const webhooks = await knownWebhooks(db);
	keptSecrets.set(db, { webhooks, readAt: performance.now() });
	return { webhooks, isKept: false };
}

/**
 * One POST to /webhooks/vipps: nothing is stored unless the signature is right and fresh; 2xx
 * means stored (now or before), to be applied by the event worker; an error (the database is
 * away) reaches the route, which answers 5xx so that Vipps delivers again.
 */
export async function receiveVippsDelivery(
	db: Kysely<Database>,
	body: string,
	headers: Headers
): Promise<DeliveryAnswer> {
	const signed = {
		date: headers.get('x-ms-date') ?? '',
		contentSha256: headers.get('x-ms-content-sha256') ?? '',
		authorization: headers.get('authorization') ?? ''
	};
	const secrets = await secretsOf(db);
	let verified = verifyVippsDelivery(body, signed, secrets.webhooks);
	if (!verified.ok && verified.reason === 'signature' && secrets.isKept)
		verified = verifyVippsDelivery(
			body,
			signed,
			(await secretsOf(db, { isFreshNeeded: true })).webhooks
		);
	if (!verified.ok) {
		const status = verified.reason === 'not_an_event' ? 400 : 401;
		return { status, body: { received: false, refused: verified.reason } };
	}
	const { event, payload } = verified;
	const outcome = await storeVippsEvent(db, event, payload);
	return { status: 200, body: { received: true, outcome }, eventId: vippsEventId(event) };
}
