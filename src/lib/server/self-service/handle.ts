import { redirect, type Handle } from '@sveltejs/kit';
import { getDatabase } from '../db/instance.ts';
import { keepPrivate, refuseCrossOriginWrite } from '../http/same-origin.ts';
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

/**
 * For /my: refuses cross-origin writes, reads the supporter's session cookie and fills
 * `locals.supporter`. Every page and action still checks `locals.supporter` itself.
 */
export const authenticateSupporter: Handle = async ({ event, resolve }) => {
	if (!isSelfServicePath(event.url.pathname)) return resolve(event);
	const refused = refuseCrossOriginWrite(event, 'Cross-origin requests are refused.');
	if (refused) return refused;
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
	return keepPrivate(await resolve(event));
};

/** The signed-in supporter, or a 303 to the sign-in form on /my. */
export function requireSupporter(event: { locals: App.Locals }): SupporterIdentity {
	const supporter = event.locals.supporter;
	if (!supporter) redirect(303, '/my');
	return supporter;
}
