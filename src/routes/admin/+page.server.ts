import { requireStaff } from '$lib/server/auth/guard';
import { loadDashboard } from '$lib/server/lists/dashboard';
import { getDatabase } from '$lib/server/db/instance';
import type { PageServerLoad } from './$types';

export const load: PageServerLoad = async (event) => {
	requireStaff(event, 'viewer');
	return { dashboard: await loadDashboard(getDatabase()) };
};
