import { requireStaff } from '$lib/server/auth/guard';
import { getDatabase } from '$lib/server/db/instance';
import { listGivingYears } from '$lib/server/documents/statement-runs';
import { taxReportPreview } from '$lib/server/documents/tax-report';
import type { PageServerLoad } from './$types';

export const load: PageServerLoad = async (event) => {
	requireStaff(event, 'admin');
	const db = getDatabase();
	const years = await listGivingYears(db);
	const asked = Number(event.url.searchParams.get('year'));
	const lastYear = new Date().getFullYear() - 1;
	const year = years.includes(asked) ? asked : years.includes(lastYear) ? lastYear : years[0];
	return {
		years,
		year: year ?? null,
		preview: year ? await taxReportPreview(db, year) : null,
		unreadable: event.url.searchParams.has('unreadable')
	};
};
