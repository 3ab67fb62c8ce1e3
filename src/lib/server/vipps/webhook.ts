import type { Kysely } from 'kysely';
import { config } from '../config.ts';
import type { Database } from '../db/schema.ts';
import {
	bringProviderEventsForward,
	claimProviderEvents,
	markProviderEventsApplied,
	markProviderEventsFailed,
	storeProviderEvent
} from '../giving/provider-events.ts';
import { log } from '../log.ts';
import type { VippsClient } from './client.ts';
import { settleVippsAgreement } from './agreements.ts';
import { settleVippsPayment } from './handlers.ts';
import type { VippsWebhookEvent } from './types.ts';

// A Vipps event says only that something happened; what happened is asked of Vipps (the payment
// or the agreement as it is now), which is slow next to storing a row. So the webhook stores the
// verified event once and answers at once, and a worker in each instance (event-worker.ts)
// applies what is stored: per payment or agreement, it asks Vipps, then in one transaction makes
// Komak's records follow and marks the events applied. Any order, repeats and two instances
// give one effect: applying asks for the state now and records by unique keys, and an event
// taken by one instance is leased from the others. An event that cannot be applied (Vipps not
// answering) waits and is tried again; `npm run vipps:sync` tries every one at once.

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

/** Stores a verified Vipps event once, to be applied; a repeat of a stored one changes nothing. */
export async function storeVippsEvent(
	db: Kysely<Database>,
	event: VippsWebhookEvent,
	payload: string = JSON.stringify(event)
): Promise<'stored' | 'duplicate'> {
	const facts = vippsEventFacts(event);
	return storeProviderEvent(db, 'vipps_event', {
		id: facts.id,
		name: facts.name,
		reference: facts.reference,
		vipps_timestamp: facts.timestamp,
		payload
	});
}

/** Recurring events name an agreement; ePayment events a payment. */
const isAgreementEvent = (name: string) => name.startsWith('recurring.');

export interface ApplyReport {
	/** Events applied. */
	applied: number;
	/** Payments or agreements whose events could not be applied now. */
	failed: { reference: string; error: string }[];
}

/** Events taken at a time; each payment or agreement among them is asked about once. */
const BATCH = 50;
/** Payments or agreements asked about at once: the webhook's requests come first. */
const AT_ONCE = 2;

type StoredVippsEvent = Awaited<ReturnType<typeof claimProviderEvents<'vipps_event'>>>[number];

/**
 * Applies every stored Vipps event that is due, batch by batch, until none is left: what each
 * payment or agreement they name is now, with its events marked applied in the same transaction.
 */
export async function applyStoredVippsEvents(
	db: Kysely<Database>,
	vipps: VippsClient,
	{ origin = config().ORIGIN }: { origin?: string } = {}
): Promise<ApplyReport> {
	const report: ApplyReport = { applied: 0, failed: [] };
	for (;;) {
		const claimed = await claimProviderEvents(db, 'vipps_event', BATCH);
		if (claimed.length === 0) return report;
		const bySubject = new Map<string, StoredVippsEvent[]>();
		for (const event of claimed) {
			const subject = `${isAgreementEvent(event.name) ? 'agreement' : 'payment'}:${event.reference}`;
			bySubject.set(subject, [...(bySubject.get(subject) ?? []), event]);
		}
		const subjects = [...bySubject.values()];
		const next = () => subjects.pop();
		await Promise.all(
			Array.from({ length: AT_ONCE }, async () => {
				for (let events = next(); events; events = next())
					await applyEventsOfOne(db, vipps, events, origin, report);
			})
		);
	}
}

/** Applies the events of one payment or agreement, or notes why not, for another try later. */
async function applyEventsOfOne(
	db: Kysely<Database>,
	vipps: VippsClient,
	events: StoredVippsEvent[],
	origin: string,
	report: ApplyReport
) {
	const ids = events.map((event) => event.id);
	const { name, reference } = events[0];
	// A gift recorded now counts from the latest of its events here.
	const receivedAt = new Date(Math.max(...events.map((e) => e.vipps_timestamp.getTime())));
	// A payment is CREATED in Komak's records before Vipps has it, so that event alone needs no
	// question to Vipps.
	const isNothingNew = events.every((event) => event.name === 'CREATED');
	try {
		if (isNothingNew) await markProviderEventsApplied(db, 'vipps_event', ids);
		else {
			const applyChanges = isAgreementEvent(name)
				? await settleVippsAgreement(db, vipps, reference, { origin })
				: await settleVippsPayment(db, vipps, reference, { receivedAt });
			await db.transaction().execute(async (trx) => {
				await applyChanges(trx);
				await markProviderEventsApplied(trx, 'vipps_event', ids);
			});
		}
		report.applied += ids.length;
	} catch (error) {
		report.failed.push({
			reference,
			error: error instanceof Error ? error.message : String(error)
		});
		log.warn({ err: error, reference }, 'Vipps event not applied; it is tried again later');
		// If the database is what failed, the lease runs out and the events are taken again.
		await markProviderEventsFailed(db, 'vipps_event', ids, error).catch(() => {});
	}
}

/** Makes every stored event not yet applied due now, failed ones included (`vipps:sync`). */
export const bringVippsEventsForward = (db: Kysely<Database>) =>
	bringProviderEventsForward(db, 'vipps_event');

/**
 * Stores an event and applies what is due at once, as the webhook and this instance's worker do
 * between them; says what became of this event.
 */
export async function receiveVippsEvent(
	db: Kysely<Database>,
	vipps: VippsClient,
	event: VippsWebhookEvent,
	payload: string = JSON.stringify(event),
	{ origin = config().ORIGIN }: { origin?: string } = {}
): Promise<{ outcome: EventOutcome; error?: string }> {
	const stored = await storeVippsEvent(db, event, payload);
	await applyStoredVippsEvents(db, vipps, { origin });
	const after = await db
		.selectFrom('vipps_event')
		.select(['status', 'last_error'])
		.where('id', '=', vippsEventId(event))
		.executeTakeFirstOrThrow();
	if (after.status !== 'processed') return { outcome: 'failed', error: after.last_error ?? '' };
	return { outcome: stored === 'stored' ? 'processed' : 'duplicate' };
}
