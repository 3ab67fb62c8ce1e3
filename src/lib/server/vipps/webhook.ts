import { sql, type Kysely } from 'kysely';
import { config } from '../config.ts';
import type { Database } from '../db/schema.ts';
import { storableText } from '../../storable-text.ts';
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
	const stored = await db
		.selectFrom('vipps_event')
		.select('status')
		.where('id', '=', id)
		.executeTakeFirst();
	if (stored?.status === 'processed') return { outcome: 'duplicate' };

	try {
		const applyChanges =
			'eventType' in event
				? await settleVippsAgreement(db, vipps, event.agreementId, { origin })
				: await settleVippsPayment(db, vipps, event.reference, { receivedAt: facts.timestamp });
		const outcome = await db.transaction().execute(async (trx) => {
			const claimed = await trx
				.insertInto('vipps_event')
				.values({ ...row, status: 'processed', processed_at: sql`now()`, attempts: 1 })
				.onConflict((oc) => oc.column('id').doUpdateSet({ status: sql`vipps_event.status` }))
				.returning(['status', sql<boolean>`xmax = 0`.as('isInserted')])
				.executeTakeFirstOrThrow();
			if (!claimed.isInserted && claimed.status === 'processed') return 'duplicate' as const;
			await applyChanges(trx);
			if (!claimed.isInserted) {
				await trx
					.updateTable('vipps_event')
					.set({
						status: 'processed',
						processed_at: sql`now()`,
						attempts: sql`attempts + 1`,
						last_error: null
					})
					.where('id', '=', id)
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
		try {
			await db
				.insertInto('vipps_event')
				.values({ ...row, status: 'failed', attempts: 1, last_error: lastError })
				.onConflict((oc) =>
					oc
						.column('id')
						.doUpdateSet({
							status: 'failed',
							attempts: sql`vipps_event.attempts + 1`,
							last_error: lastError
						})
						.where('vipps_event.status', '<>', 'processed')
				)
				.execute();
		} catch {
			// the database itself may be what failed
		}
		return { outcome: 'failed', error };
	}
}
