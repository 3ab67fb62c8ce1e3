import type { Cookies, Handle } from '@sveltejs/kit';
import { getDatabase } from '../db/instance.ts';
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
 * Whether a state-changing request comes from the admin's own pages. Browsers send
 * Sec-Fetch-Site with every request and Origin with every POST; a request with neither (a script)
 * is refused too.
 */
export function isSameOriginRequest(request: Request, url: URL): boolean {
	const fetchSite = request.headers.get('sec-fetch-site');
	if (fetchSite !== null) return fetchSite === 'same-origin';
	return request.headers.get('origin') === url.origin;
}

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/**
 * For /admin: refuses cross-origin writes, then reads the session cookie and fills
 * `locals.staff` (null while a second factor is still owed) and `locals.staffSessionId`.
 */
export const authenticateStaff: Handle = async ({ event, resolve }) => {
	if (!isAdminPath(event.url.pathname)) return resolve(event);
	if (!SAFE_METHODS.has(event.request.method) && !isSameOriginRequest(event.request, event.url)) {
		event.locals.log.warn(
			{ origin: event.request.headers.get('origin'), path: event.url.pathname },
			'cross-origin admin request refused'
		);
		return new Response('Cross-origin requests to the admin are refused.', {
			status: 403,
			headers: { 'content-type': 'text/plain; charset=utf-8' }
		});
	}
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
	const response = await resolve(event);
	// Personal and financial data: never kept by the browser's or any shared cache.
	if (!response.headers.has('cache-control')) {
		response.headers.set('cache-control', 'private, no-store');
	}
	return response;
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
