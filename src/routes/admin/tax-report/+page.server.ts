import { requireStaff } from '$lib/server/auth/guard';
import { getDatabase } from '$lib/server/db/instance';
import { pickGivingYear } from '$lib/server/documents/statement-runs';
import { taxReportPreview } from '$lib/server/documents/tax-report';
import type { PageServerLoad } from './$types';

export const load: PageServerLoad = async (event) => {
	requireStaff(event, 'admin');
	const db = getDatabase();
	const { years, year } = await pickGivingYear(db, event.url.searchParams.get('year'));
	return {
		years,
		year,
		preview: year ? await taxReportPreview(db, year) : null,
		unreadable: event.url.searchParams.has('unreadable')
	};
};
