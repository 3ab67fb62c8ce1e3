import { error, fail, redirect } from '@sveltejs/kit';
import { requireStaff } from '$lib/server/auth/guard';
import { getDatabase } from '$lib/server/db/instance';
import { editSupporter, findSupporterById } from '$lib/server/supporters/profile';
import {
	formatTags,
	readSupporterForm,
	validateSupporterForm,
	type SupporterFormValues
} from '$lib/supporters/supporter-form';
import type { Actions, PageServerLoad } from './$types';
import { readForm } from '$lib/server/http/form';

export const load: PageServerLoad = async (event) => {
	requireStaff(event, 'staff');
	const supporter = await findSupporterById(getDatabase(), event.params.id);
	if (!supporter) error(404, 'Supporter not found');
	if (supporter.merged_into) redirect(303, `/admin/supporters/${supporter.merged_into}/edit`);
	if (supporter.erased_at) redirect(303, `/admin/supporters/${supporter.id}`);

	const values: SupporterFormValues = {
		name: supporter.name,
		email: supporter.email ?? '',
		phone: supporter.phone ?? '',
		country: supporter.country ?? '',
		preferredLocale: supporter.preferred_locale,
		reference: supporter.reference ?? '',
		tags: formatTags(supporter.tags),
		notes: supporter.notes,
		hasContactConsent: supporter.has_contact_consent
	};
	return { supporterId: supporter.id, supporterName: supporter.name, values };
};

export const actions = {
	save: async (event) => {
		const staff = requireStaff(event, 'staff');
		const values = readSupporterForm(await readForm(event.request));
		const validation = validateSupporterForm(values);
		if (!validation.ok)
			return fail(400, { values, errors: validation.errors, conflictingSupporterId: null });

		const result = await editSupporter(getDatabase(), event.params.id, validation.edit, {
			staffUserId: staff.id,
			requestId: event.locals.requestId
		});
		if (result.ok) redirect(303, `/admin/supporters/${event.params.id}?done=saved`);
		if (result.reason === 'not_found') error(404, 'Supporter not found');
		// A record merged or erased while the form was open: show the page it now is.
		if (result.reason !== 'invalid') redirect(303, `/admin/supporters/${event.params.id}`);
		return fail(400, {
			values,
			errors: result.errors,
			conflictingSupporterId: result.conflictingSupporterId
		});
	}
} satisfies Actions;
