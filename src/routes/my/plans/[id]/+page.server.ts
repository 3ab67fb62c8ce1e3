import { error, fail, redirect } from '@sveltejs/kit';
import { validateAmountText } from '$lib/giving/donation-form';
import { fieldErrorText } from '$lib/giving/donation-errors';
import { m } from '$lib/paraglide/messages';
import { hasChangeArrived, readRequestedChange } from '$lib/giving/plan-change';
import { getDatabase } from '$lib/server/db/instance';
import { listEnabledCurrencies } from '$lib/server/organisation/settings';
import { findOwnPlan } from '$lib/server/self-service/giving';
import { requireSupporter } from '$lib/server/self-service/handle';
import {
	changePlanAmount,
	openCardUpdate,
	pausePlan,
	resumePlan
} from '$lib/server/self-service/plan-changes';
import { changeVippsMonthlyAmount } from '$lib/server/vipps/plan-changes';
import { getVipps } from '$lib/server/vipps/client';
import { money } from '$lib/components/my/labels';
import { answer, refusal, stripeOrNull, stripeUnavailable } from './plan-actions.server';
import type { Actions, PageServerLoad } from './$types';
import { readForm } from '$lib/server/http/form';

async function amountRules(currency: string) {
	const rules = await listEnabledCurrencies(getDatabase());
	return rules.find((r) => r.currency === currency) ?? null;
}

export const load: PageServerLoad = async (event) => {
	const supporter = requireSupporter(event);
	const plan = await findOwnPlan(getDatabase(), supporter.id, event.params.id);
	if (!plan) error(404, 'Not found');
	const rules = await amountRules(plan.currency);
	const change = readRequestedChange(event.url.searchParams);
	return {
		plan,
		amountRules: rules && { minimumMinor: rules.minimumMinor, maximumMinor: rules.maximumMinor },
		change,
		// Our records follow Stripe's event; until it arrives the page says the change is on its way.
		hasChangeArrived: change ? hasChangeArrived(change, plan) : true
	};
};

export const actions = {
	amount: async (event) => {
		const supporter = requireSupporter(event);
		const db = getDatabase();
		const plan = await findOwnPlan(db, supporter.id, event.params.id);
		if (!plan) error(404, 'Not found');
		const typed = String((await readForm(event.request)).get('amount') ?? '').slice(0, 40);
		const rules = await amountRules(plan.currency);
		if (!rules) {
			return fail(400, { amount: typed, errors: { amount: m.my_error_currency_closed() } });
		}
		const checked = validateAmountText(typed, rules, event.locals.locale);
		if (typeof checked !== 'number') {
			return fail(400, { amount: typed, errors: { amount: fieldErrorText(checked) } });
		}
		if (checked === plan.amountMinor) {
			return fail(400, { amount: typed, errors: { amount: m.my_error_same_amount() } });
		}
		const request = { supporterId: supporter.id, planId: plan.id, amountMinor: checked };
		if (plan.channel === 'vipps') {
			const vipps = getVipps();
			if (!vipps) return stripeUnavailable();
			const outcome = await changeVippsMonthlyAmount(db, vipps, {
				...request,
				origin: event.url.origin
			});
			if (!outcome.ok && outcome.reason === 'above_maximum') {
				const maximum = money(outcome.maximumMinor, plan.currency);
				return fail(400, {
					amount: typed,
					errors: { amount: m.my_error_vipps_maximum({ maximum }) }
				});
			}
			return answer(event, plan.id, outcome, { kind: 'amount', amountMinor: checked });
		}
		const stripe = await stripeOrNull();
		if (!stripe) return stripeUnavailable();
		const outcome = await changePlanAmount(db, stripe, request);
		return answer(event, plan.id, outcome, { kind: 'amount', amountMinor: checked });
	},

	pause: async (event) => {
		const supporter = requireSupporter(event);
		const stripe = await stripeOrNull();
		if (!stripe) return stripeUnavailable();
		const request = { supporterId: supporter.id, planId: event.params.id };
		const outcome = await pausePlan(getDatabase(), stripe, request);
		return answer(event, event.params.id, outcome, { kind: 'paused' });
	},

	resume: async (event) => {
		const supporter = requireSupporter(event);
		const stripe = await stripeOrNull();
		if (!stripe) return stripeUnavailable();
		const request = { supporterId: supporter.id, planId: event.params.id };
		const outcome = await resumePlan(getDatabase(), stripe, request);
		return answer(event, event.params.id, outcome, { kind: 'resumed' });
	},

	card: async (event) => {
		const supporter = requireSupporter(event);
		const stripe = await stripeOrNull();
		if (!stripe) return stripeUnavailable();
		const outcome = await openCardUpdate(getDatabase(), stripe, {
			supporterId: supporter.id,
			planId: event.params.id,
			returnUrl: new URL(`/my/plans/${event.params.id}`, event.url.origin).toString(),
			locale: event.locals.locale
		});
		if (outcome.ok) redirect(303, outcome.url);
		return refusal(event, outcome);
	}
} satisfies Actions;
