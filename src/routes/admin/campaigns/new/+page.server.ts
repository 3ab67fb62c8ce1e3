import { redirect } from '@sveltejs/kit';
import { campaignToValues } from '$lib/campaigns/campaign-form';
import { organisationDay } from '$lib/dates';
import { requireStaff } from '$lib/server/auth/guard';
import { createCampaign, SlugTakenError } from '$lib/server/campaigns/campaigns';
import { getDatabase } from '$lib/server/db/instance';
import { readCampaignForm, refuseCampaign } from '../campaign-form.server';
import type { Actions, PageServerLoad } from './$types';

export const load: PageServerLoad = async (event) => {
	requireStaff(event, 'admin');
	return { values: campaignToValues(null, organisationDay(new Date())) };
};

export const actions = {
	create: async (event) => {
		const staff = requireStaff(event, 'admin');
		const result = await readCampaignForm(event.request);
		if (!result.ok) return result.refusal;
		let id: string;
		try {
			id = await createCampaign(getDatabase(), result.campaign, {
				staffUserId: staff.id,
				requestId: event.locals.requestId
			});
		} catch (error) {
			if (error instanceof SlugTakenError)
				return refuseCampaign(result.values, { slug: 'slug_taken' });
			throw error;
		}
		redirect(303, `/admin/campaigns/${id}?created`);
	}
} satisfies Actions;
