import { getDatabase } from '$lib/server/db/instance';
import { findOrganisation } from '$lib/server/organisation/settings';
import type { LayoutServerLoad } from './$types';

// Only the organisation's name and address for the frame; each page checks who is signed in.
export const load: LayoutServerLoad = async () => {
	const organisation = await findOrganisation(getDatabase());
	return { organisationName: organisation.name, contactEmail: organisation.contact_email };
};
