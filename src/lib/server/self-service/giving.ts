import { sql, type Kysely, type Transaction } from 'kysely';
import type { Channel, ContributionKind, ContributionStatus } from '../../giving/vocabulary.ts';
import { yearOf } from '../organisation/calendar.ts';
import type { Database, RecurringPlan } from '../db/schema.ts';
import { toGiftSummary } from '../giving/gift-summary.ts';
import type { PlanState } from '../giving/plans.ts';

type Db = Kysely<Database> | Transaction<Database>;

// What a signed-in supporter sees of their own giving on /my. Every query is bounded by the
// supporter's id; a plan is found only together with its owner.

const uuidPattern = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export interface OwnGift {
	id: string;
	receivedAt: Date;
	channel: Channel;
	kind: ContributionKind;
	amountMinor: number;
	currency: string;
	refundedMinor: number;
	status: ContributionStatus;
	/** A receipt exists (it has a number), so /my/receipts/<id> has something to show. */
	hasReceipt: boolean;
}

export const GIFT_LIST_LIMIT = 500;

/** The supporter's gifts from every channel, newest first; gifts staff voided are left out. */
export async function listOwnGifts(
	db: Db,
	supporterId: string,
	limit = GIFT_LIST_LIMIT
): Promise<OwnGift[]> {
	const rows = await db
		.selectFrom('contribution')
		.select([
			'id',
			'received_at',
			'is_date_only',
			'channel',
			'kind',
			'amount_minor',
			'currency',
			'refunded_minor',
			'status',
			'receipt_number'
		])
		.where('supporter_id', '=', supporterId)
		.where('status', '<>', 'voided')
		.orderBy('received_at', 'desc')
		.orderBy('id', 'desc')
		.limit(limit)
		.execute();
	return rows.map((row) => ({
		...toGiftSummary(row),
		hasReceipt: row.receipt_number !== null
	}));
}

/** The years (in the organisation's time zone) in which the supporter gave something that counts, newest first. */
export async function listGivingYears(db: Db, supporterId: string): Promise<number[]> {
	const rows = await db
		.selectFrom('contribution')
		.select(yearOf('received_at').as('year'))
		.where('supporter_id', '=', supporterId)
		.where('status', 'in', ['succeeded', 'partially_refunded'])
		.groupBy(sql`1`)
		.orderBy(sql`1`, 'desc')
		.execute();
	return rows.map((row) => row.year);
}

/** A monthly gift as its supporter sees it: the plan's state, without the provider's ids. */
export interface OwnPlan extends Pick<
	PlanState,
	| 'channel'
	| 'amountMinor'
	| 'currency'
	| 'status'
	| 'startedAt'
	| 'canceledAt'
	| 'cancelAtPeriodEnd'
	| 'currentPeriodEnd'
> {
	id: string;
	/** A card plan at Stripe or a Vipps agreement that is not over: the supporter can change it here. */
	isManageable: boolean;
}

function toOwnPlan(plan: RecurringPlan): OwnPlan {
	return {
		id: plan.id,
		channel: plan.channel,
		amountMinor: plan.amount_minor,
		currency: plan.currency,
		status: plan.status,
		startedAt: plan.started_at,
		canceledAt: plan.canceled_at,
		cancelAtPeriodEnd: plan.cancel_at_period_end,
		currentPeriodEnd: plan.current_period_end,
		isManageable:
			(plan.channel === 'card' || plan.channel === 'vipps') &&
			plan.external_id !== null &&
			plan.status !== 'canceled'
	};
}

/** The supporter's monthly gifts: live ones first, then the newest. */
export async function listOwnPlans(db: Db, supporterId: string): Promise<OwnPlan[]> {
	const plans = await db
		.selectFrom('recurring_plan')
		.selectAll()
		.where('supporter_id', '=', supporterId)
		.orderBy(sql`case when status = 'canceled' then 1 else 0 end`)
		.orderBy('started_at', 'desc')
		.execute();
	return plans.map(toOwnPlan);
}

/** A plan, only if it belongs to this supporter; otherwise undefined, as if it did not exist. */
export async function findOwnPlanRecord(
	db: Db,
	supporterId: string,
	planId: string
): Promise<RecurringPlan | undefined> {
	if (!uuidPattern.test(planId)) return undefined;
	return db
		.selectFrom('recurring_plan')
		.selectAll()
		.where('id', '=', planId)
		.where('supporter_id', '=', supporterId)
		.executeTakeFirst();
}

export async function findOwnPlan(
	db: Db,
	supporterId: string,
	planId: string
): Promise<OwnPlan | undefined> {
	const plan = await findOwnPlanRecord(db, supporterId, planId);
	return plan && toOwnPlan(plan);
}
