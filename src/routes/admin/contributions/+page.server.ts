import { parseContributionFilters } from '$lib/lists/filters';
import { hasRole, requireStaff } from '$lib/server/auth/guard';
import {
	contributionTotals,
	listContributions,
	resolveContributionSearch
} from '$lib/server/lists/contributions';
import { getDatabase } from '$lib/server/db/instance';
import { findSupporterName, listCurrencyCodes } from '$lib/server/lists/supporters';
import { listCampaigns } from '$lib/server/campaigns/campaigns';
import type { PageServerLoad } from './$types';

export const load: PageServerLoad = async (event) => {
	const staff = requireStaff(event, 'viewer');
	const db = getDatabase();
	const { filters, values, errors } = parseContributionFilters(event.url.searchParams);
	const search = await resolveContributionSearch(db, filters.q);
	const [list, totals, currencies, supporter, campaigns] = await Promise.all([
		listContributions(db, filters, { search }),
		contributionTotals(db, filters, { search }),
		listCurrencyCodes(db),
		filters.supporterId ? findSupporterName(db, filters.supporterId) : undefined,
		listCampaigns(db)
	]);
	return {
		filters,
		values,
		errors,
		currencies,
		list,
		totals,
		supporter,
		campaigns: campaigns.map(({ id, name }) => ({ value: id, label: name })),
		// Bulk personal data: staff and admins only.
		canExport: hasRole(staff, 'staff'),
		canRecord: hasRole(staff, 'staff')
	};
};
