import { redirect, type Handle } from '@sveltejs/kit';
import { getDatabase } from '../db/instance.ts';
import { isSameOriginRequest } from '../auth/handle.ts';
import {
	deleteSupporterSessionCookie,
	readSupporterSessionCookie,
	setSupporterSessionCookie,
	validateSupporterSession,
	type SupporterIdentity
} from './session.ts';

export function isSelfServicePath(pathname: string): boolean {
	return pathname === '/my' || pathname.startsWith('/my/');
}

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/**
 * For /my: refuses cross-origin writes, reads the supporter's session cookie and fills
 * `locals.supporter`. Every page and action still checks `locals.supporter` itself.
 */
export const authenticateSupporter: Handle = async ({ event, resolve }) => {
	if (!isSelfServicePath(event.url.pathname)) return resolve(event);
	if (!SAFE_METHODS.has(event.request.method) && !isSameOriginRequest(event.request, event.url)) {
		event.locals.log.warn(
			{ origin: event.request.headers.get('origin'), path: event.url.pathname },
			'cross-origin request to /my refused'
		);
		return new Response('Cross-origin requests are refused.', {
			status: 403,
			headers: { 'content-type': 'text/plain; charset=utf-8' }
		});
	}
	const token = readSupporterSessionCookie(event);
	if (token) {
		const validated = await validateSupporterSession(getDatabase(), token);
		if (!validated) {
			deleteSupporterSessionCookie(event);
		} else {
			if (validated.isRenewed) setSupporterSessionCookie(event, token);
			event.locals.supporter = validated.supporter;
			event.locals.supporterSessionId = validated.sessionId;
		}
	}
	const response = await resolve(event);
	// A person's gifts and plans: never kept by a shared cache or the browser's back-forward cache.
	if (!response.headers.has('cache-control')) {
		response.headers.set('cache-control', 'private, no-store');
	}
	return response;
};

/** The signed-in supporter, or a 303 to the sign-in form on /my. */
export function requireSupporter(event: { locals: App.Locals }): SupporterIdentity {
	const supporter = event.locals.supporter;
	if (!supporter) redirect(303, '/my');
	return supporter;
}
