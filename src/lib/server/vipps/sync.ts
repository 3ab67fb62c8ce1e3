import type { Kysely } from 'kysely';
import { config } from '../config.ts';
import type { Database } from '../db/schema.ts';
import type { VippsClient } from './client.ts';
import { settleVippsAgreement } from './agreements.ts';
import { settleVippsPayment } from './handlers.ts';
import { applyStoredVippsEvents, bringVippsEventsForward } from './webhook.ts';

export interface VippsSyncReport {
	/** Webhook events stored and applied only now (they had failed, or were still waiting). */
	events: number;
	/** Payments Komak started that Vipps had not yet reported settled. */
	checked: number;
	/** Of those, gifts now recorded. */
	recorded: number;
	/** Of those, payments that ended without money (rejected, expired, cancelled). */
	closed: number;
	/** Of those, payments the supporter has not acted on yet. */
	stillOpen: number;
	/** Monthly agreements asked about (pending or active), their plans and gifts brought up to date. */
	agreements: number;
	failed: { reference: string; error: string }[];
}

// The ePayment API has no list of events to replay, so recovery asks about each payment Komak
// started and has no final word on: still CREATED, or AUTHORIZED without a recorded gift.
const LOOK_BACK_DAYS = 28;

/**
 * Recovers what missed webhooks would have told: asks Vipps about every unsettled payment and
 * settles it through the same path as the webhook. A second run finds nothing to do.
 */
export async function syncVippsPayments(
	db: Kysely<Database>,
	vipps: VippsClient,
	{
		since = new Date(Date.now() - LOOK_BACK_DAYS * 86_400_000),
		origin = config().ORIGIN
	}: { since?: Date; origin?: string } = {}
): Promise<VippsSyncReport> {
	// Events the webhook stored and no worker has applied yet are applied first, whatever they
	// were waiting for; those that still fail wait again and are counted.
	await bringVippsEventsForward(db);
	const stored = await applyStoredVippsEvents(db, vipps, { origin });
	const unsettled = await db
		.selectFrom('vipps_payment as p')
		.select('p.reference')
		.where('p.created_at', '>=', since)
		.where((eb) =>
			eb.or([
				eb('p.state', '=', 'CREATED'),
				eb.and([
					eb('p.state', '=', 'AUTHORIZED'),
					eb.not(
						eb.exists(
							eb
								.selectFrom('contribution as c')
								.select('c.id')
								.where('c.channel', '=', 'vipps')
								.whereRef('c.external_reference', '=', 'p.reference')
						)
					)
				])
			])
		)
		.orderBy('p.created_at')
		.execute();

	const report: VippsSyncReport = {
		events: stored.applied,
		checked: unsettled.length,
		recorded: 0,
		closed: 0,
		stillOpen: 0,
		agreements: 0,
		failed: [...stored.failed]
	};
	for (const { reference } of unsettled) {
		try {
			const applyChanges = await settleVippsPayment(db, vipps, reference);
			await db.transaction().execute(applyChanges);
			const after = await db
				.selectFrom('vipps_payment as p')
				.leftJoin('contribution as c', (join) =>
					join.on('c.channel', '=', 'vipps').onRef('c.external_reference', '=', 'p.reference')
				)
				.select(['p.state', 'c.id as giftId'])
				.where('p.reference', '=', reference)
				.executeTakeFirstOrThrow();
			if (after.giftId) report.recorded++;
			else if (after.state === 'CREATED') report.stillOpen++;
			else report.closed++;
		} catch (error) {
			report.failed.push({
				reference,
				error: error instanceof Error ? error.message : String(error)
			});
		}
	}
	// Monthly agreements that may still change: what their charges did is recorded (each gift
	// once, by its charge), and a stop or expiry ends the plan.
	const agreements = await db
		.selectFrom('vipps_agreement')
		.select(['reference', 'agreement_id'])
		.where('agreement_id', 'is not', null)
		.where((eb) =>
			eb.or([
				eb('status', '=', 'ACTIVE'),
				eb.and([eb('status', '=', 'PENDING'), eb('created_at', '>=', since)])
			])
		)
		.execute();
	for (const { reference, agreement_id } of agreements) {
		try {
			const applyChanges = await settleVippsAgreement(db, vipps, agreement_id!, { origin });
			await db.transaction().execute(applyChanges);
			report.agreements++;
		} catch (error) {
			report.failed.push({
				reference,
				error: error instanceof Error ? error.message : String(error)
			});
		}
	}
	return report;
}
