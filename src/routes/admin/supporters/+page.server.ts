import { parseSupporterFilters } from '$lib/admin-filters';
import { hasRole, requireStaff } from '$lib/server/auth/guard';
import { getDatabase } from '$lib/server/database';
import { findOrganisation } from '$lib/server/organisation';
import { listCurrencyCodes, listSupporters } from '$lib/server/supporter-list';
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
