import { error, redirect } from '@sveltejs/kit';
import { requireStaff } from '$lib/server/auth/guard';
import { getDatabase } from '$lib/server/db/instance';
import { exportSupporterData } from '$lib/server/privacy/export';
import type { RequestHandler } from './$types';

// One supporter's data as a JSON download, for an access request. Taking it is audited.
export const GET: RequestHandler = async (event) => {
	const staff = requireStaff(event, 'staff');
	const result = await exportSupporterData(getDatabase(), event.params.id, {
		staffUserId: staff.id,
		requestId: event.locals.requestId
	});
	if (!result.ok) error(404, 'Supporter not found');
	if (result.mergedInto !== null)
		redirect(303, `/admin/supporters/${result.mergedInto}/export.json`);

	const day = result.data.exportedAt.slice(0, 10);
	return new Response(JSON.stringify(result.data, null, '\t'), {
		headers: {
			'content-type': 'application/json; charset=utf-8',
			'content-disposition': `attachment; filename="supporter-${event.params.id}-${day}.json"`,
			'cache-control': 'private, no-store'
		}
	});
};
