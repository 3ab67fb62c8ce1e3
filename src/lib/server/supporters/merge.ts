import { sql, type Kysely, type Transaction } from 'kysely';
import type { Database, Supporter } from '../db/schema.ts';
import {
	moveGiftsToSupporter,
	totalsBySupporter,
	type CurrencyTotal
} from '../giving/contributions.ts';
import { recordAudit } from '../organisation/audit.ts';
import { isSupporterId, type StaffActor } from './profile.ts';
import { supporterSearchCondition } from './search.ts';
import {
	combineSupporters,
	type MergeRefusal,
	type SupporterMergeOutcome
} from '../../supporters/merge-rules.ts';

export type { MergeRefusal };

type Db = Kysely<Database> | Transaction<Database>;

// Two records of one person become one: the kept supporter takes the other's gifts and plans,
// and the other stays behind as a pointer (merged_into) so old links and the audit trail still
// lead somewhere.

export interface MergeCandidate {
	id: string;
	name: string;
	email: string | null;
	phone: string | null;
	reference: string | null;
}

/** Supporters a merge could take in: found by name, email, phone or reference; live ones only. */
export async function findMergeCandidates(
	db: Db,
	query: string,
	exceptId: string,
	limit = 20
): Promise<MergeCandidate[]> {
	const matches = supporterSearchCondition(query, 'supporter');
	if (!matches || !isSupporterId(exceptId)) return [];
	return (
		db
			.selectFrom('supporter')
			.select(['id', 'name', 'email', 'phone', 'reference'])
			// Found the way the supporter list finds them (the trigram index's own expression).
			.where(matches)
			.where('id', '<>', exceptId)
			.where('merged_into', 'is', null)
			.where('erased_at', 'is', null)
			.orderBy('name')
			.orderBy('id')
			.limit(limit)
			.execute()
	);
}

export interface MergeSide {
	supporter: Supporter;
	contributionCount: number;
	planCount: number;
	totals: CurrencyTotal[];
}

export type MergePreview =
	| { ok: false; reason: MergeRefusal }
	| { ok: true; kept: MergeSide; other: MergeSide; outcome: SupporterMergeOutcome };

function refusalOf(kept: Supporter | undefined, other: Supporter | undefined): MergeRefusal | null {
	if (!kept || !other) return 'not_found';
	if (kept.id === other.id) return 'same_supporter';
	if (kept.merged_into || other.merged_into) return 'already_merged';
	if (kept.erased_at || other.erased_at) return 'erased';
	return null;
}

async function sideOf(db: Db, supporter: Supporter): Promise<MergeSide> {
	const [counts, totals] = await Promise.all([
		db
			.selectFrom('supporter as s')
			.select([
				(eb) =>
					eb
						.selectFrom('contribution')
						.select(sql<number>`count(*)::int`.as('n'))
						.whereRef('supporter_id', '=', 's.id')
						.as('contributionCount'),
				(eb) =>
					eb
						.selectFrom('recurring_plan')
						.select(sql<number>`count(*)::int`.as('n'))
						.whereRef('supporter_id', '=', 's.id')
						.as('planCount')
			])
			.where('s.id', '=', supporter.id)
			.executeTakeFirstOrThrow(),
		totalsBySupporter(db, supporter.id)
	]);
	return {
		supporter,
		contributionCount: counts.contributionCount ?? 0,
		planCount: counts.planCount ?? 0,
		totals
	};
}

async function readPair(db: Db, keptId: string, otherId: string, lock: boolean) {
	if (!isSupporterId(keptId) || !isSupporterId(otherId)) return [undefined, undefined] as const;
	let query = db
		.selectFrom('supporter')
		.selectAll()
		.where('id', 'in', [keptId, otherId])
		// Rows locked in one order, so two merges of the same pair cannot deadlock.
		.orderBy('id');
	if (lock) query = query.forUpdate();
	const rows = await query.execute();
	return [rows.find((r) => r.id === keptId), rows.find((r) => r.id === otherId)] as const;
}

/** What merging `otherId` into `keptId` would do, for the confirmation screen. */
export async function previewMerge(db: Db, keptId: string, otherId: string): Promise<MergePreview> {
	const [kept, other] = await readPair(db, keptId, otherId, false);
	const refusal = refusalOf(kept, other);
	if (refusal) return { ok: false, reason: refusal };
	const [keptSide, otherSide] = await Promise.all([sideOf(db, kept!), sideOf(db, other!)]);
	return {
		ok: true,
		kept: keptSide,
		other: otherSide,
		outcome: combineSupporters(kept!, other!)
	};
}

/** Count and sum of gifts per currency and status: what a merge must leave unchanged. */
async function ledgerOf(db: Db, supporterIds: string[]): Promise<string> {
	const rows = await db
		.selectFrom('contribution')
		.select([
			'currency',
			'status',
			sql<number>`count(*)::bigint`.as('count'),
			sql<number>`sum(amount_minor)::bigint`.as('amount'),
			sql<number>`sum(refunded_minor)::bigint`.as('refunded')
		])
		.where('supporter_id', 'in', supporterIds)
		.groupBy(['currency', 'status'])
		.orderBy('currency')
		.orderBy('status')
		.execute();
	return JSON.stringify(rows);
}

export type MergeResult =
	| { ok: false; reason: MergeRefusal }
	| {
			ok: true;
			kept: Supporter;
			movedContributionIds: string[];
			movedPlanIds: string[];
			outcome: SupporterMergeOutcome;
	  };

/**
 * Merges `otherId` into `keptId` in one transaction: gifts and plans move, the kept record's blank
 * fields are filled, tags joined, notes put together, and the other record points to the kept one.
 * The gifts per currency and status are counted before and after; any difference undoes it all.
 */
export async function mergeSupporters(
	db: Kysely<Database>,
	{ keptId, otherId }: { keptId: string; otherId: string },
	actor: StaffActor
): Promise<MergeResult> {
	return db.transaction().execute(async (trx): Promise<MergeResult> => {
		const [kept, other] = await readPair(trx, keptId, otherId, true);
		const refusal = refusalOf(kept, other);
		if (refusal) return { ok: false, reason: refusal };
		const keptBefore = kept!;
		const otherBefore = other!;
		const ledgerBefore = await ledgerOf(trx, [keptId, otherId]);
		const outcome = combineSupporters(keptBefore, otherBefore);

		// The unique email, reference and Stripe customer leave the other record first, so the kept
		// one can take them without meeting its own unique indexes.
		const otherAfter = await trx
			.updateTable('supporter')
			.set({
				merged_into: keptId,
				email: null,
				reference: null,
				stripe_customer_id: null,
				updated_at: sql`now()`
			})
			.where('id', '=', otherId)
			.returningAll()
			.executeTakeFirstOrThrow();
		// Records merged into the other earlier now point straight at the kept one: no chains.
		const repointed = await trx
			.updateTable('supporter')
			.set({ merged_into: keptId, updated_at: sql`now()` })
			.where('merged_into', '=', otherId)
			.returning('id')
			.execute();

		const { tags, ...changes } = outcome.keptChanges;
		const keptAfter = await trx
			.updateTable('supporter')
			.set({
				...changes,
				...(tags && { tags: sql<string[]>`${sql.val(tags)}::text[]` }),
				updated_at: sql`now()`
			})
			.where('id', '=', keptId)
			.returningAll()
			.executeTakeFirstOrThrow();

		const movedContributionIds = await moveGiftsToSupporter(trx, otherId, keptId);
		const movedPlans = await trx
			.updateTable('recurring_plan')
			.set({ supporter_id: keptId, updated_at: sql`now()` })
			.where('supporter_id', '=', otherId)
			.returning('id')
			.execute();

		const ledgerAfter = await ledgerOf(trx, [keptId]);
		if (ledgerAfter !== ledgerBefore) {
			throw new Error(`merge would change the gifts: ${ledgerBefore} became ${ledgerAfter}`);
		}

		const movedPlanIds = movedPlans.map((r) => r.id);
		const audit = {
			staffUserId: actor.staffUserId,
			requestId: actor.requestId,
			entityType: 'supporter'
		};
		await recordAudit(trx, {
			...audit,
			action: 'supporter.merge',
			entityId: keptId,
			before: { kept: keptBefore, other: otherBefore },
			after: {
				keptId,
				otherId,
				kept: keptAfter,
				filledFields: outcome.filledFields,
				unmovedIdentifiers: outcome.unmovedIdentifiers,
				movedContributionIds,
				movedPlanIds,
				repointedSupporterIds: repointed.map((r) => r.id)
			}
		});
		// A second entry under the other record's id, so its own history tells where it went.
		await recordAudit(trx, {
			...audit,
			action: 'supporter.merged_into',
			entityId: otherId,
			before: { merged_into: null },
			after: { merged_into: otherAfter.merged_into }
		});
		return { ok: true, kept: keptAfter, movedContributionIds, movedPlanIds, outcome };
	});
}
