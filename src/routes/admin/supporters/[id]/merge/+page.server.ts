import { error, fail, redirect } from '@sveltejs/kit';
import { requireStaff } from '$lib/server/auth/guard';
import { getDatabase } from '$lib/server/db/instance';
import { findSupporterById } from '$lib/server/supporters/profile';
import { findMergeCandidates, mergeSupporters, previewMerge } from '$lib/server/supporters/merge';
import type { Actions, PageServerLoad } from './$types';
import { readForm } from '$lib/server/http/form';

// Three steps on one page: search for the other record (a plain GET form), compare the two side
// by side (?other=…), then merge (POST).
export const load: PageServerLoad = async (event) => {
	requireStaff(event, 'staff');
	const db = getDatabase();
	const supporter = await findSupporterById(db, event.params.id);
	if (!supporter) error(404, 'Supporter not found');
	if (supporter.merged_into)
		redirect(303, `/admin/supporters/${supporter.merged_into}/merge${event.url.search}`);
	if (supporter.erased_at) redirect(303, `/admin/supporters/${supporter.id}`);

	const query = (event.url.searchParams.get('q') ?? '').slice(0, 200);
	const otherId = event.url.searchParams.get('other');
	const [candidates, preview] = await Promise.all([
		otherId || !query ? [] : findMergeCandidates(db, query, supporter.id),
		otherId ? previewMerge(db, supporter.id, otherId) : null
	]);
	return { supporter: { id: supporter.id, name: supporter.name }, query, candidates, preview };
};

export const actions = {
	merge: async (event) => {
		const staff = requireStaff(event, 'staff');
		const form = await readForm(event.request);
		const otherId = String(form.get('otherId') ?? '');
		const result = await mergeSupporters(
			getDatabase(),
			{ keptId: event.params.id, otherId },
			{ staffUserId: staff.id, requestId: event.locals.requestId }
		);
		if (!result.ok)
			return fail(result.reason === 'not_found' ? 404 : 409, { refusal: result.reason });
		redirect(303, `/admin/supporters/${event.params.id}?done=merged`);
	}
} satisfies Actions;
