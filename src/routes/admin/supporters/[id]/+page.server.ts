import { error, redirect } from '@sveltejs/kit';
import { hasRole, requireStaff } from '$lib/server/auth/guard';
import { config } from '$lib/server/config';
import { getDatabase } from '$lib/server/db/instance';
import { listStatementYears } from '$lib/server/documents/statements';
import { loadSupporterProfile, stripeCustomerUrl } from '$lib/server/supporters/profile';
import type { PageServerLoad } from './$types';

const doneMessages = ['saved', 'merged', 'erased'] as const;
type Done = (typeof doneMessages)[number];

export const load: PageServerLoad = async (event) => {
	const staff = requireStaff(event, 'viewer');
	const lookup = await loadSupporterProfile(getDatabase(), event.params.id);
	if (!lookup.found) error(404, 'Supporter not found');
	if (lookup.mergedInto !== null) redirect(303, `/admin/supporters/${lookup.mergedInto}`);

	const { profile } = lookup;
	const customerId = profile.supporter.stripe_customer_id;
	const done = event.url.searchParams.get('done');
	return {
		...profile,
		statementYears: await listStatementYears(getDatabase(), profile.supporter.id),
		stripeCustomerUrl: customerId
			? stripeCustomerUrl(customerId, config().STRIPE_SECRET_KEY)
			: null,
		canEdit: hasRole(staff, 'staff'),
		canErase: hasRole(staff, 'admin'),
		done: doneMessages.includes(done as Done) ? (done as Done) : null
	};
};
