import { parseSupporterFilters } from '$lib/lists/filters';
import { hasRole, requireStaff } from '$lib/server/auth/guard';
import { getDatabase } from '$lib/server/db/instance';
import { findOrganisation } from '$lib/server/organisation/settings';
import { listCurrencyCodes, listSupporters } from '$lib/server/lists/supporters';
import type { PageServerLoad } from './$types';

export const load: PageServerLoad = async (event) => {
	const staff = requireStaff(event, 'viewer');
	const db = getDatabase();
	const [organisation, currencies] = await Promise.all([
		findOrganisation(db),
		listCurrencyCodes(db)
	]);
	const { filters, values, errors } = parseSupporterFilters(event.url.searchParams, {
		defaultCurrency: organisation.default_currency
	});
	return {
		filters,
		values,
		errors,
		currencies,
		list: await listSupporters(db, filters),
		// Bulk personal data: staff and admins only.
		canExport: hasRole(staff, 'staff')
	};
};
