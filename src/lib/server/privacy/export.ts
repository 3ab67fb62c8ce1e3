import type { Kysely } from 'kysely';
import type { Database, Supporter } from '../db/schema.ts';
import { recordAudit } from '../organisation/audit.ts';
import { findSupporterById, type StaffActor } from '../supporters/profile.ts';

// A supporter's own data, as an answer to an access request (GDPR article 15): the profile, the
// records merged into it, every gift and every plan, with the staff-internal ids of who recorded
// a gift left out.

export interface SupporterExport {
	exportedAt: string;
	supporter: Supporter;
	mergedRecords: Record<string, unknown>[];
	contributions: Record<string, unknown>[];
	recurringPlans: Record<string, unknown>[];
}

export type SupporterExportResult =
	| { ok: false; reason: 'not_found' }
	| { ok: true; mergedInto: string }
	| { ok: true; mergedInto: null; data: SupporterExport };

/** Builds the export and records in the audit log that it was taken (no copy of the data). */
export async function exportSupporterData(
	db: Kysely<Database>,
	id: string,
	actor: StaffActor
): Promise<SupporterExportResult> {
	const supporter = await findSupporterById(db, id);
	if (!supporter) return { ok: false, reason: 'not_found' };
	if (supporter.merged_into) return { ok: true, mergedInto: supporter.merged_into };

	return db.transaction().execute(async (trx) => {
		const mergedRecords = await trx
			.selectFrom('supporter')
			.select(['id', 'name', 'phone', 'country', 'notes', 'tags', 'created_at'])
			.where('merged_into', '=', id)
			.orderBy('created_at')
			.execute();
		const ids = [id, ...mergedRecords.map((r) => r.id)];
		const [contributions, recurringPlans] = await Promise.all([
			trx
				.selectFrom('contribution')
				.select([
					'id',
					'received_at',
					'channel',
					'kind',
					'amount_minor',
					'currency',
					'fee_minor',
					'net_minor',
					'refunded_minor',
					'status',
					'external_reference',
					'payment_reference',
					'recurring_plan_id',
					'note',
					'dedication',
					'is_anonymous',
					'void_reason',
					'created_at'
				])
				.where('supporter_id', 'in', ids)
				.orderBy('received_at')
				.orderBy('id')
				.execute(),
			trx
				.selectFrom('recurring_plan')
				.select([
					'id',
					'channel',
					'amount_minor',
					'currency',
					'interval',
					'status',
					'external_id',
					'started_at',
					'canceled_at',
					'cancel_at_period_end',
					'current_period_end'
				])
				.where('supporter_id', 'in', ids)
				.orderBy('started_at')
				.execute()
		]);
		await recordAudit(trx, {
			staffUserId: actor.staffUserId,
			requestId: actor.requestId,
			action: 'supporter.export',
			entityType: 'supporter',
			entityId: id,
			after: { contributionCount: contributions.length, planCount: recurringPlans.length }
		});
		return {
			ok: true as const,
			mergedInto: null,
			data: {
				exportedAt: new Date().toISOString(),
				supporter,
				mergedRecords,
				contributions,
				recurringPlans
			}
		};
	});
}
