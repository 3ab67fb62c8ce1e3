import type { Cookies, Handle } from '@sveltejs/kit';
import { getDatabase } from '../db/instance.ts';
import { keepPrivate, refuseCrossOriginWrite } from '../http/same-origin.ts';
import {
	deleteSessionCookie,
	readSessionCookie,
	setSessionCookie,
	validateSessionToken
} from './session.ts';
import { toStaffIdentity } from './staff.ts';

export function isAdminPath(pathname: string): boolean {
	return pathname === '/admin' || pathname.startsWith('/admin/');
}

/**
 * For /admin: refuses cross-origin writes, then reads the session cookie and fills
 * `locals.staff` (null while a second factor is still owed) and `locals.staffSessionId`.
 */
export const authenticateStaff: Handle = async ({ event, resolve }) => {
	if (!isAdminPath(event.url.pathname)) return resolve(event);
	const refused = refuseCrossOriginWrite(event, 'Cross-origin requests to the admin are refused.');
	if (refused) return refused;
	const token = readSessionCookie(event);
	if (token) {
		const validated = await validateSessionToken(getDatabase(), token);
		if (!validated) {
			deleteSessionCookie(event);
		} else {
			if (validated.isRenewed) setSessionCookie(event, token);
			if (validated.isFullySignedIn) {
				event.locals.staff = toStaffIdentity(validated.user);
				event.locals.staffSessionId = validated.session.id;
			}
		}
	}
	return keepPrivate(await resolve(event));
};

/**
 * The session that has given its password but still owes the second factor, for the code page
 * (the hook leaves `locals.staff` null for it).
 */
export async function findSessionAwaitingSecondFactor(event: { cookies: Cookies; url: URL }) {
	const token = readSessionCookie(event);
	if (!token) return null;
	const validated = await validateSessionToken(getDatabase(), token);
	return validated && !validated.isFullySignedIn ? validated : null;
}
