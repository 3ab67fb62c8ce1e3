import { error, fail, redirect } from '@sveltejs/kit';
import { m } from '$lib/paraglide/messages';
import { requireStaff } from '$lib/server/auth/guard';
import { getDatabase } from '$lib/server/db/instance';
import { canSendAgain, findOutboxMessage, sendAgain } from '$lib/server/mail/outbox-admin';
import { hasMailServer } from '$lib/server/mail/worker';
import type { Actions, PageServerLoad } from './$types';

export const load: PageServerLoad = async (event) => {
	requireStaff(event, 'admin');
	const message = await findOutboxMessage(getDatabase(), event.params.id);
	if (!message) error(404, 'No such message');
	return {
		// The HTML is shown in a sandboxed frame from ./preview, never inside this page.
		message: { ...message, html_body: undefined },
		canSendAgain: canSendAgain(message.status) && hasMailServer(),
		needsMailServer: canSendAgain(message.status) && !hasMailServer(),
		justQueued: event.url.searchParams.has('queued')
	};
};

export const actions = {
	sendAgain: async (event) => {
		const staff = requireStaff(event, 'admin');
		const id = event.params.id;
		const queued = await sendAgain(getDatabase(), id, {
			staffUserId: staff.id,
			requestId: event.locals.requestId
		});
		if (!queued) return fail(400, { error: m.outbox_cannot_send_again() });
		redirect(303, `/admin/outbox/${id}?queued`);
	}
} satisfies Actions;
