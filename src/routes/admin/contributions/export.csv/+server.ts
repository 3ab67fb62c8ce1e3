import { parseContributionFilters } from '$lib/lists/filters';
import { parseCsvDialect } from '$lib/lists/csv';
import { requireStaff } from '$lib/server/auth/guard';
import { getDatabase } from '$lib/server/db/instance';
import { contributionsCsv, exportListDownload } from '$lib/server/lists/exports';
import type { RequestHandler } from './$types';

// Every contribution the list's filters select, as CSV: for Excel in the
// staff member's language, for tools with fixed keys. Bulk financial and personal data, so
// staff or admin only, and recorded in the audit log.
export const GET: RequestHandler = async (event) => {
	const staff = requireStaff(event, 'staff');
	const db = getDatabase();
	const { filters } = parseContributionFilters(event.url.searchParams);
	return exportListDownload(
		db,
		{
			staffUserId: staff.id,
			list: 'contributions',
			query: event.url.search,
			requestId: event.locals.requestId
		},
		contributionsCsv(db, filters, {
			dialect: parseCsvDialect(event.url.searchParams.get('csv')),
			// The staff member's admin language, kept on their account.
			locale: event.locals.locale
		})
	);
};
