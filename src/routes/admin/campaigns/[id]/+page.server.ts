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
import { appealLinkParams } from '$lib/campaigns/appeal-link';
import { campaignLinkFor } from './campaign-link.server';
import type { Actions, PageServerLoad } from './$types';

export const load: PageServerLoad = async (event) => {
	const staff = requireStaff(event);
	const db = getDatabase();
	const { campaign, currencyCodes, choices, errors, link } = await campaignLinkFor(event);
	return {
		campaign,
		// The link builder: a GET form, so the page shows the link and its QR code without scripts.
		linkBuilder: {
			currencies: currencyCodes,
			values: {
				amount: event.url.searchParams.get('amount') ?? '',
				currency: choices.currency,
				frequency: choices.frequency,
				utm_source: choices.utmSource,
				utm_medium: choices.utmMedium,
				utm_campaign: choices.utmCampaign
			},
			errors,
			link,
			query: appealLinkParams(choices).toString()
		},
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
