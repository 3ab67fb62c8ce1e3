import { error, fail, redirect } from '@sveltejs/kit';
import { m } from '$lib/paraglide/messages';
import { changeSearchParams, type RequestedChange } from '$lib/giving/plan-change';
import type { PlanChangeOutcome } from '$lib/server/self-service/plan-changes';
import { getStripe, isCardPaymentConfigured } from '$lib/server/stripe/client';
import type { VippsPlanChangeOutcome } from '$lib/server/vipps/plan-changes';

// What the plan pages' actions share: Stripe's client when card giving is on, and the answer to
// each outcome, from Stripe or Vipps (a 404 for a plan that is not the supporter's own, a message
// when the provider fails, else back to the plan's page saying what was asked).

type Outcome = PlanChangeOutcome | VippsPlanChangeOutcome;

export async function stripeOrNull() {
	return isCardPaymentConfigured() ? await getStripe() : null;
}

export function stripeUnavailable() {
	return fail(503, { errors: { form: m.my_error_stripe() } });
}

export function answer(
	event: { locals: App.Locals },
	planId: string,
	outcome: Outcome,
	change: RequestedChange
) {
	if (outcome.ok) redirect(303, `/my/plans/${planId}?${changeSearchParams(change)}`);
	return refusal(event, outcome);
}

/** The answer to a change that did not happen. */
export function refusal(event: { locals: App.Locals }, outcome: Exclude<Outcome, { ok: true }>) {
	if (outcome.reason === 'stripe_failed' || outcome.reason === 'vipps_failed') {
		event.locals.log.error({ err: outcome.error }, `${outcome.reason}: a plan change was refused`);
		return fail(502, { errors: { form: m.my_error_stripe() } });
	}
	if (outcome.reason === 'not_found') error(404, 'Not found');
	return fail(409, { errors: { form: m.my_error_not_possible() } });
}
