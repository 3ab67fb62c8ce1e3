import type { Kysely } from 'kysely';
import type { Database } from '../db/schema.ts';
import { findOwnPlanRecord } from '../self-service/giving.ts';
import type { PlanChangeRequest } from '../self-service/plan-changes.ts';
import type { VippsClient } from './client.ts';
import { settleVippsAgreement } from './agreements.ts';

// A monthly giver's changes to their Vipps gift, made through the Recurring API. As with Stripe,
// nothing here decides the plan's state: after Vipps has answered, the agreement is read back
// from Vipps and the plan follows it (the webhook that comes later then changes nothing).

export type VippsPlanChangeOutcome =
	| { ok: true }
	| { ok: false; reason: 'not_found' | 'not_possible' }
	| { ok: false; reason: 'vipps_failed'; error: unknown };

/** Stops the supporter's own Vipps agreement: no more charges, and Vipps cancels any pending. */
export async function stopVippsMonthlyGift(
	db: Kysely<Database>,
	vipps: VippsClient,
	{ supporterId, planId, origin }: PlanChangeRequest & { origin: string }
): Promise<VippsPlanChangeOutcome> {
	const plan = await findOwnPlanRecord(db, supporterId, planId);
	if (!plan) return { ok: false, reason: 'not_found' };
	if (plan.channel !== 'vipps' || !plan.external_id || plan.status === 'canceled')
		return { ok: false, reason: 'not_possible' };
	const agreementId = plan.external_id;
	try {
		await vipps.stopAgreement(agreementId, `${agreementId}-stop`.slice(0, 50));
		const applyChanges = await settleVippsAgreement(db, vipps, agreementId, { origin });
		await db.transaction().execute(applyChanges);
		return { ok: true };
	} catch (error) {
		return { ok: false, reason: 'vipps_failed', error };
	}
}
