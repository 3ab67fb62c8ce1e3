import { redirect } from '@sveltejs/kit';
import { getDatabase } from '$lib/server/db/instance';
import {
	deleteSupporterSessionCookie,
	invalidateSupporterSession
} from '$lib/server/self-service/session';
import type { RequestHandler } from './$types';

// POST only (a button on /my): a link or an image cannot sign a supporter out.
export const POST: RequestHandler = async (event) => {
	const sessionId = event.locals.supporterSessionId;
	if (sessionId) {
		await invalidateSupporterSession(getDatabase(), sessionId);
		event.locals.log.info({ supporterId: event.locals.supporter?.id }, 'supporter signed out');
	}
	deleteSupporterSessionCookie(event);
	redirect(303, '/my');
};
