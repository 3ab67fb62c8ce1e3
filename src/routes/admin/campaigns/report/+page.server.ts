import { requireStaff } from '$lib/server/auth/guard';
import { reportGroupings, sourceReport, type ReportGrouping } from '$lib/server/campaigns/report';
import { getDatabase } from '$lib/server/db/instance';
import type { PageServerLoad } from './$types';

export const load: PageServerLoad = async (event) => {
	requireStaff(event);
	const asked = event.url.searchParams.get('by');
	const grouping: ReportGrouping = (reportGroupings as readonly string[]).includes(asked ?? '')
		? (asked as ReportGrouping)
		: 'campaign';
	return { grouping, lines: await sourceReport(getDatabase(), grouping) };
};
