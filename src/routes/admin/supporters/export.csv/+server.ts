import { parseSupporterFilters } from '$lib/lists/filters';
import { parseCsvDialect } from '$lib/lists/csv';
import { requireStaff } from '$lib/server/auth/guard';
import { getDatabase } from '$lib/server/db/instance';
import { exportListDownload, supportersCsv } from '$lib/server/lists/exports';
import { findOrganisation } from '$lib/server/organisation/settings';
import type { RequestHandler } from './$types';

// Every supporter the list's filters select, with their totals, as CSV: for Excel in the
// staff member's language, for tools with fixed keys. Bulk personal data, so
// staff or admin only, and recorded in the audit log.
export const GET: RequestHandler = async (event) => {
	const staff = requireStaff(event, 'staff');
	const db = getDatabase();
	const organisation = await findOrganisation(db);
	const { filters } = parseSupporterFilters(event.url.searchParams, {
		defaultCurrency: organisation.default_currency
	});
	return exportListDownload(
		db,
		{
			staffUserId: staff.id,
			list: 'supporters',
			query: event.url.search,
			requestId: event.locals.requestId
		},
		supportersCsv(db, filters, {
			dialect: parseCsvDialect(event.url.searchParams.get('csv')),
			// The staff member's admin language, kept on their account.
			locale: event.locals.locale
		})
	);
};
