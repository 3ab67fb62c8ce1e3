import { sql, type Kysely, type Transaction } from 'kysely';
import type { AttributionColumns, Database, RecurringPlan } from '../db/schema.ts';
import type { Channel, PlanStatus } from '../../giving/vocabulary.ts';

type Db = Kysely<Database> | Transaction<Database>;

export interface PlanState {
	supporterId: string;
	channel: Channel;
	externalId: string;
	amountMinor: number;
	currency: string;
	status: PlanStatus;
	startedAt: Date;
	canceledAt: Date | null;
	cancelAtPeriodEnd: boolean;
	currentPeriodEnd: Date | null;
	lastFailureReason?: string | null;
	/** Why the supporter cancelled, in their words; a later copy without one keeps it. */
	cancellationComment?: string | null;
	/** Where the first gift came from; kept from the plan's creation on, for every month's gift. */
	attribution?: AttributionColumns;
}

/** Creates or brings up to date the plan mirrored from a provider's subscription. */
export async function upsertPlan(db: Db, plan: PlanState): Promise<RecurringPlan> {
	const values = {
		supporter_id: plan.supporterId,
		channel: plan.channel,
		external_id: plan.externalId,
		amount_minor: plan.amountMinor,
		currency: plan.currency,
		status: plan.status,
		started_at: plan.startedAt,
		canceled_at: plan.canceledAt,
		cancel_at_period_end: plan.cancelAtPeriodEnd,
		current_period_end: plan.currentPeriodEnd
	};
	return db
		.insertInto('recurring_plan')
		.values({
			...values,
			...plan.attribution,
			last_failure_reason: plan.lastFailureReason ?? null,
			cancellation_comment: plan.cancellationComment ?? null
		})
		.onConflict((oc) =>
			oc.columns(['channel', 'external_id']).doUpdateSet({
				amount_minor: plan.amountMinor,
				currency: plan.currency,
				// Canceled is final at Stripe: a late, older copy of the subscription cannot revive it.
				status: sql`case when recurring_plan.status = 'canceled' then 'canceled' else excluded.status end`,
				canceled_at: sql`coalesce(recurring_plan.canceled_at, excluded.canceled_at)`,
				cancel_at_period_end: plan.cancelAtPeriodEnd,
				current_period_end: plan.currentPeriodEnd,
				// A decline reason stays until the plan is healthy again.
				last_failure_reason:
					plan.lastFailureReason !== undefined
						? plan.lastFailureReason
						: plan.status === 'active'
							? null
							: sql`recurring_plan.last_failure_reason`,
				cancellation_comment: sql`coalesce(excluded.cancellation_comment, recurring_plan.cancellation_comment)`,
				updated_at: sql`now()`
			})
		)
		.returningAll()
		.executeTakeFirstOrThrow();
}

export async function findPlanByExternalId(db: Db, channel: Channel, externalId: string) {
	return db
		.selectFrom('recurring_plan')
		.selectAll()
		.where('channel', '=', channel)
		.where('external_id', '=', externalId)
		.executeTakeFirst();
}
