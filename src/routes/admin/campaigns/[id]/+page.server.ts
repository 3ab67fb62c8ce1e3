import { error } from '@sveltejs/kit';
import { campaignToValues } from '$lib/campaigns/campaign-form';
import { organisationDay } from '$lib/dates';
import { requireStaff } from '$lib/server/auth/guard';
import {
	campaignProgress,
	findCampaign,
	SlugTakenError,
	updateCampaign
} from '$lib/server/campaigns/campaigns';
import { getDatabase } from '$lib/server/db/instance';
import { readCampaignForm, refuseCampaign } from '../campaign-form.server';
import type { Actions, PageServerLoad } from './$types';

export const load: PageServerLoad = async (event) => {
	const staff = requireStaff(event);
	const db = getDatabase();
	const campaign = await findCampaign(db, event.params.id);
	if (!campaign) error(404, 'No such campaign');
	return {
		campaign,
		canEdit: staff.role === 'admin',
		values: campaignToValues(campaign, organisationDay(new Date())),
		progress: await campaignProgress(db, campaign),
		created: event.url.searchParams.has('created')
	};
};

export const actions = {
	save: async (event) => {
		const staff = requireStaff(event, 'admin');
		const db = getDatabase();
		const campaign = await findCampaign(db, event.params.id);
		if (!campaign) error(404, 'No such campaign');
		const result = await readCampaignForm(event.request);
		if (!result.ok) return result.refusal;
		try {
			await updateCampaign(db, campaign.id, result.campaign, {
				staffUserId: staff.id,
				requestId: event.locals.requestId
			});
		} catch (caught) {
			if (caught instanceof SlugTakenError)
				return refuseCampaign(result.values, { slug: 'slug_taken' });
			throw caught;
		}
		return { saved: true, values: result.values };
	}
} satisfies Actions;
