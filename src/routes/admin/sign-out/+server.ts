import { redirect } from '@sveltejs/kit';
import { getDatabase } from '$lib/server/db/instance';
import {
	deleteSessionCookie,
	invalidateSession,
	readSessionCookie,
	validateSessionToken
} from '$lib/server/auth/session';
import type { RequestHandler } from './$types';

// POST only (the admin bar's button): a link or an image cannot sign anyone out. Ends the
// session in the cookie whether or not its second factor was given.
export const POST: RequestHandler = async (event) => {
	const token = readSessionCookie(event);
	const db = getDatabase();
	const validated = token ? await validateSessionToken(db, token) : null;
	if (validated) {
		await invalidateSession(db, validated.session.id);
		event.locals.log.info({ staffUserId: validated.user.id }, 'staff signed out');
	}
	deleteSessionCookie(event);
	redirect(303, '/admin/sign-in?notice=signed-out');
};
