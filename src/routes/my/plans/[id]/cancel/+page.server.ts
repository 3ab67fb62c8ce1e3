import { error, fail, redirect } from '@sveltejs/kit';
import { formatNumber } from '$lib/components/my/labels';
import { m } from '$lib/paraglide/messages';
import { getDatabase } from '$lib/server/db/instance';
import { findOwnPlan } from '$lib/server/self-service/giving';
import { requireSupporter } from '$lib/server/self-service/handle';
import { cancelPlan, CANCELLATION_COMMENT_MAX_LENGTH } from '$lib/server/self-service/plan-changes';
import { getVipps } from '$lib/server/vipps/client';
import { stopVippsMonthlyGift } from '$lib/server/vipps/plan-changes';
import { answer, stripeOrNull, stripeUnavailable } from '../plan-actions.server';
import type { Actions, PageServerLoad } from './$types';
import { readForm } from '$lib/server/http/form';

// The confirmation step before a monthly gift ends, with room for a reason for the staff.
export const load: PageServerLoad = async (event) => {
	const supporter = requireSupporter(event);
	const plan = await findOwnPlan(getDatabase(), supporter.id, event.params.id);
	if (!plan) error(404, 'Not found');
	if (!plan.isManageable) redirect(303, `/my/plans/${plan.id}`);
	return { plan, commentMaxLength: CANCELLATION_COMMENT_MAX_LENGTH };
};

export const actions = {
	default: async (event) => {
		const supporter = requireSupporter(event);
		const comment = String((await readForm(event.request)).get('comment') ?? '');
		if (comment.trim().length > CANCELLATION_COMMENT_MAX_LENGTH) {
			return fail(400, {
				comment,
				errors: {
					comment: m.my_cancel_comment_too_long({
						count: formatNumber(CANCELLATION_COMMENT_MAX_LENGTH)
					})
				}
			});
		}
		const request = { supporterId: supporter.id, planId: event.params.id };
		const plan = await findOwnPlan(getDatabase(), supporter.id, event.params.id);
		if (plan?.channel === 'vipps') {
			// Vipps keeps no reason with a stopped agreement, so its page asks for none.
			const vipps = getVipps();
			if (!vipps) return stripeUnavailable();
			const outcome = await stopVippsMonthlyGift(getDatabase(), vipps, {
				...request,
				origin: event.url.origin
			});
			return answer(event, event.params.id, outcome, { kind: 'canceled' });
		}
		const stripe = await stripeOrNull();
		if (!stripe) return stripeUnavailable();
		const outcome = await cancelPlan(getDatabase(), stripe, {
			supporterId: supporter.id,
			planId: event.params.id,
			comment
		});
		return answer(event, event.params.id, outcome, { kind: 'canceled' });
	}
} satisfies Actions;
