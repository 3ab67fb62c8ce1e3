import { randomUUID } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { Database } from '../db/schema.ts';
import { findOwnPlanRecord } from '../self-service/giving.ts';
import type { PlanChangeRequest } from '../self-service/plan-changes.ts';
import type { VippsClient } from './client.ts';
import { setVippsAgreementAmount, settleVippsAgreement, suggestedMaximum } from './agreements.ts';

// A monthly giver's changes to their Vipps gift, made through the Recurring API. As with Stripe,
// nothing here decides the plan's state: after Vipps has answered, the agreement is read back
// from Vipps and the plan follows it (the webhook that comes later then changes nothing).

export type VippsPlanChangeOutcome =
	| { ok: true }
	| { ok: false; reason: 'not_found' | 'not_possible' }
	| { ok: false; reason: 'above_maximum'; maximumMinor: number }
	| { ok: false; reason: 'vipps_failed'; error: unknown };

async function ownLiveVippsPlan(db: Kysely<Database>, supporterId: string, planId: string) {
	const plan = await findOwnPlanRecord(db, supporterId, planId);
	if (!plan) return { ok: false as const, reason: 'not_found' as const };
	if (plan.channel !== 'vipps' || !plan.external_id || plan.status === 'canceled')
		return { ok: false as const, reason: 'not_possible' as const };
	return { ok: true as const, agreementId: plan.external_id };
}

/**
 * A new monthly amount from the next charge on. With VARIABLE pricing Komak chooses each
 * month's amount up to the maximum the supporter approved in Vipps, so no new approval is needed
 * within it; Vipps is asked for the agreement as it is, told the new suggested maximum (twice the
 * gift, as at the start, which the supporter may accept in the app), and the plan follows.
 */
export async function changeVippsMonthlyAmount(
	db: Kysely<Database>,
	vipps: VippsClient,
	{
		supporterId,
		planId,
		amountMinor,
		origin
	}: PlanChangeRequest & { amountMinor: number; origin: string }
): Promise<VippsPlanChangeOutcome> {
	const own = await ownLiveVippsPlan(db, supporterId, planId);
	if (!own.ok) return own;
	const { agreementId } = own;
	try {
		const agreement = await vipps.getAgreement(agreementId);
		if (agreement.status !== 'ACTIVE') {
			await db
				.transaction()
				.execute(await settleVippsAgreement(db, vipps, agreementId, { origin }));
			return { ok: false, reason: 'not_possible' };
		}
		const approved = agreement.pricing.maxAmount ?? agreement.pricing.suggestedMaxAmount;
		if (approved != null && amountMinor > approved)
			return { ok: false, reason: 'above_maximum', maximumMinor: approved };
		await vipps.suggestMaxAmount(
			agreementId,
			suggestedMaximum(amountMinor),
			// Setting the same maximum twice is harmless; a key per change lets 150 → 200 → 150 → 200 work.
			randomUUID()
		);
		const applyChanges = await settleVippsAgreement(db, vipps, agreementId, { origin });
		await db.transaction().execute(async (trx) => {
			await setVippsAgreementAmount(trx, agreementId, amountMinor);
			await applyChanges(trx);
		});
		return { ok: true };
	} catch (error) {
		return { ok: false, reason: 'vipps_failed', error };
	}
}

/** Stops the supporter's own Vipps agreement: no more charges, and Vipps cancels any pending. */
export async function stopVippsMonthlyGift(
	db: Kysely<Database>,
	vipps: VippsClient,
	{ supporterId, planId, origin }: PlanChangeRequest & { origin: string }
): Promise<VippsPlanChangeOutcome> {
	const own = await ownLiveVippsPlan(db, supporterId, planId);
	if (!own.ok) return own;
	const { agreementId } = own;
	try {
		await vipps.stopAgreement(agreementId, `${agreementId}-stop`.slice(0, 50));
		const applyChanges = await settleVippsAgreement(db, vipps, agreementId, { origin });
		await db.transaction().execute(applyChanges);
		return { ok: true };
	} catch (error) {
		return { ok: false, reason: 'vipps_failed', error };
	}
}
