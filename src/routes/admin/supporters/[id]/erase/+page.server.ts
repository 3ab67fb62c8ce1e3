import { error, fail, redirect } from '@sveltejs/kit';
import { requireStaff } from '$lib/server/auth/guard';
import { getDatabase } from '$lib/server/db/instance';
import { findSupporterById } from '$lib/server/supporters/profile';
import { describeErasure, eraseSupporter } from '$lib/server/privacy/erasure';
import { isErasureConfirmed } from '$lib/supporters/supporter-form';
import type { Actions, PageServerLoad } from './$types';
import { readForm } from '$lib/server/http/form';

async function erasable(id: string) {
	const supporter = await findSupporterById(getDatabase(), id);
	if (!supporter) error(404, 'Supporter not found');
	if (supporter.merged_into) redirect(303, `/admin/supporters/${supporter.merged_into}/erase`);
	return supporter;
}

export const load: PageServerLoad = async (event) => {
	requireStaff(event, 'admin');
	const supporter = await erasable(event.params.id);
	return {
		supporter: { id: supporter.id, name: supporter.name, isErased: supporter.erased_at !== null },
		scope: await describeErasure(getDatabase(), supporter.id)
	};
};

export const actions = {
	erase: async (event) => {
		const staff = requireStaff(event, 'admin');
		const supporter = await erasable(event.params.id);
		const confirmation = String((await readForm(event.request)).get('confirmation') ?? '');
		if (!isErasureConfirmed(confirmation, supporter.name))
			return fail(400, { confirmation, isConfirmationWrong: true });

		const result = await eraseSupporter(getDatabase(), supporter.id, {
			staffUserId: staff.id,
			requestId: event.locals.requestId
		});
		if (!result.ok && result.reason === 'not_found') error(404, 'Supporter not found');
		redirect(303, `/admin/supporters/${supporter.id}${result.ok ? '?done=erased' : ''}`);
	}
} satisfies Actions;
