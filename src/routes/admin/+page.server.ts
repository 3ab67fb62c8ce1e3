import { requireStaff } from '$lib/server/auth/guard';
import { loadDashboard } from '$lib/server/lists/dashboard';
import { getDatabase } from '$lib/server/db/instance';
import { runningCampaigns } from '$lib/server/campaigns/campaigns';
import type { PageServerLoad } from './$types';

export const load: PageServerLoad = async (event) => {
	requireStaff(event, 'viewer');
	const db = getDatabase();
	const [dashboard, campaigns] = await Promise.all([loadDashboard(db), runningCampaigns(db)]);
	return { dashboard, campaigns };
};
