import { organisationDay } from '$lib/dates';
import { requireStaff } from '$lib/server/auth/guard';
import { campaignProgress, isRunning, listCampaigns } from '$lib/server/campaigns/campaigns';
import { getDatabase } from '$lib/server/db/instance';
import type { PageServerLoad } from './$types';

export const load: PageServerLoad = async (event) => {
	const staff = requireStaff(event);
	const db = getDatabase();
	const today = organisationDay(new Date());
	const campaigns = await listCampaigns(db);
	return {
		canEdit: staff.role === 'admin',
		campaigns: await Promise.all(
			campaigns.map(async (campaign) => ({
				...campaign,
				status: isRunning(campaign, today)
					? ('running' as const)
					: campaign.startsOn > today
						? ('upcoming' as const)
						: ('ended' as const),
				progress: await campaignProgress(db, campaign)
			}))
		)
	};
};
