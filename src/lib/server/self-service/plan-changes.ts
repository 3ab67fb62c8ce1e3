import type { Kysely } from 'kysely';
import type Stripe from 'stripe';
import type { Database, RecurringPlan } from '../db/schema.ts';
import { idOf } from '../stripe/payments.ts';
import { findOwnPlanRecord } from './giving.ts';

// A monthly giver's changes to their card gift, made through Stripe's API. Nothing here writes
// the plan: Stripe answers with `customer.subscription.updated` or `.deleted`, and the webhook's
// handler brings the plan up to date, so Stripe and Komak never disagree. Every change starts by
// finding the plan together with its owner: a supporter can reach only their own.

export type PlanChangeOutcome =
	| { ok: true }
	| { ok: false; reason: 'not_found' | 'not_possible' }
	| { ok: false; reason: 'stripe_failed'; error: unknown };

export interface PlanChangeRequest {
	supporterId: string;
	planId: string;
}

/** How long a supporter's words on cancelling may be (Stripe keeps up to 5000 characters). */
export const CANCELLATION_COMMENT_MAX_LENGTH = 500;

type Refusal = { ok: false; reason: 'not_found' | 'not_possible' };
type Found = { plan: RecurringPlan & { external_id: string } } | { failure: Refusal };

async function ownLiveCardPlan(
	db: Kysely<Database>,
	{ supporterId, planId }: PlanChangeRequest
): Promise<Found> {
	const plan = await findOwnPlanRecord(db, supporterId, planId);
	if (!plan) return { failure: { ok: false, reason: 'not_found' } };
	if (plan.channel !== 'card' || !plan.external_id || plan.status === 'canceled') {
		return { failure: { ok: false, reason: 'not_possible' } };
	}
	return { plan: { ...plan, external_id: plan.external_id } };
}

const notPossible: Refusal = { ok: false, reason: 'not_possible' };

/**
 * Finds the giver's own live card plan and makes one change to it at Stripe: `change` gives the
 * call to make, or a refusal when the plan's state does not allow it.
 */
async function changeOwnPlan(
	db: Kysely<Database>,
	request: PlanChangeRequest,
	change: (plan: RecurringPlan & { external_id: string }) => (() => Promise<unknown>) | Refusal
): Promise<PlanChangeOutcome> {
	const found = await ownLiveCardPlan(db, request);
	if ('failure' in found) return found.failure;
	const call = change(found.plan);
	if (typeof call !== 'function') return call;
	try {
		await call();
		return { ok: true };
	} catch (error) {
		return { ok: false, reason: 'stripe_failed', error };
	}
}

/**
 * A new monthly amount from the next payment on: the item gets a new price of the same product,
 * currency and interval, without proration (a gift is not a service to settle up).
 */
export async function changePlanAmount(
	db: Kysely<Database>,
	stripe: Stripe,
	request: PlanChangeRequest & { amountMinor: number }
): Promise<PlanChangeOutcome> {
	return changeOwnPlan(db, request, (plan) => async () => {
		const subscription = await stripe.subscriptions.retrieve(plan.external_id);
		const item = subscription.items.data[0];
		if (!item || subscription.status === 'canceled') throw new Error('subscription is over');
		const product = idOf(item.price.product);
		if (!product) throw new Error('subscription item has no product');
		await stripe.subscriptions.update(subscription.id, {
			items: [
				{
					id: item.id,
					price_data: {
						currency: item.price.currency,
						product,
						unit_amount: request.amountMinor,
						recurring: {
							interval: item.price.recurring?.interval ?? 'month',
							interval_count: item.price.recurring?.interval_count ?? 1
						}
					},
					quantity: 1
				}
			],
			proration_behavior: 'none',
			// What the appeal put there at checkout; kept true for anyone reading it at Stripe.
			metadata: { amount_minor: String(request.amountMinor), fee_top_up_minor: '0' }
		});
	});
}

/** Stops taking payments until resumed; invoices made meanwhile are voided, never collected. */
export async function pausePlan(
	db: Kysely<Database>,
	stripe: Stripe,
	request: PlanChangeRequest
): Promise<PlanChangeOutcome> {
	return changeOwnPlan(db, request, (plan) =>
		plan.status === 'paused'
			? notPossible
			: () =>
					stripe.subscriptions.update(plan.external_id, {
						pause_collection: { behavior: 'void' }
					})
	);
}

export async function resumePlan(
	db: Kysely<Database>,
	stripe: Stripe,
	request: PlanChangeRequest
): Promise<PlanChangeOutcome> {
	// An empty string is how Stripe's API unsets pause_collection.
	return changeOwnPlan(db, request, (plan) =>
		plan.status !== 'paused'
			? notPossible
			: () => stripe.subscriptions.update(plan.external_id, { pause_collection: '' })
	);
}

/** Ends the monthly gift now (this month's payment is not refunded), with the giver's reason. */
export async function cancelPlan(
	db: Kysely<Database>,
	stripe: Stripe,
	request: PlanChangeRequest & { comment: string }
): Promise<PlanChangeOutcome> {
	const comment = request.comment.trim().slice(0, CANCELLATION_COMMENT_MAX_LENGTH);
	return changeOwnPlan(
		db,
		request,
		(plan) => () =>
			stripe.subscriptions.cancel(
				plan.external_id,
				comment ? { cancellation_details: { comment } } : {}
			)
	);
}

// The customer portal speaks Norwegian and English but not Pashto or Dari; there it follows the
// browser.
const portalLocales: Record<string, Stripe.BillingPortal.SessionCreateParams.Locale> = {
	en: 'en',
	nb: 'nb'
};

export type CardUpdateOutcome =
	{ ok: true; url: string } | Exclude<PlanChangeOutcome, { ok: true }>;

/**
 * A Stripe customer portal session that goes straight to changing the card, and back to the
 * plan's page afterwards. The customer is the subscription's own, asked of Stripe.
 */
export async function openCardUpdate(
	db: Kysely<Database>,
	stripe: Stripe,
	request: PlanChangeRequest & { returnUrl: string; locale: string }
): Promise<CardUpdateOutcome> {
	const found = await ownLiveCardPlan(db, request);
	if ('failure' in found) return found.failure;
	try {
		const subscription = await stripe.subscriptions.retrieve(found.plan.external_id);
		const session = await stripe.billingPortal.sessions.create({
			customer: idOf(subscription.customer)!,
			return_url: request.returnUrl,
			locale: portalLocales[request.locale] ?? 'auto',
			flow_data: {
				type: 'payment_method_update',
				after_completion: { type: 'redirect', redirect: { return_url: request.returnUrl } }
			}
		});
		return { ok: true, url: session.url };
	} catch (error) {
		return { ok: false, reason: 'stripe_failed', error };
	}
}
