import { fail, redirect } from '@sveltejs/kit';
import { cookieName } from '$lib/paraglide/runtime';
import { isLocale } from '$lib/locales';
import { getDatabase } from '$lib/server/db/instance';
import { linkRequestAction } from '$lib/server/self-service/forms';
import {
	invalidateSupporterSession,
	setSupporterSessionCookie
} from '$lib/server/self-service/session';
import { checkSignInLink, useSignInLink } from '$lib/server/self-service/sign-in-link';
import type { Actions, PageServerLoad } from './$types';
import { readForm } from '$lib/server/http/form';

// Opening the link only shows a "Continue" button: mail scanners that fetch every link in a
// message must not use it up. The POST uses it. The token travels in the query string and the
// form's body, never in the path, so the request log never holds it.
export const load: PageServerLoad = async ({ url }) => {
	const token = url.searchParams.get('token') ?? '';
	const state = await checkSignInLink(getDatabase(), token);
	return { state, token: state === 'valid' ? token : '' };
};

export const actions = {
	continue: async (event) => {
		const formData = await readForm(event.request);
		const token = String(formData.get('token') ?? '');
		const db = getDatabase();
		const use = await useSignInLink(db, token);
		if (!use.ok) {
			event.locals.log.info({ problem: use.problem }, 'sign-in link refused');
			return fail(400, { problem: use.problem });
		}
		// Someone else signed in on this browser before: their session ends here.
		if (event.locals.supporterSessionId) {
			await invalidateSupporterSession(db, event.locals.supporterSessionId);
		}
		setSupporterSessionCookie(event, use.sessionToken);
		// A link opened on a new device: the pages speak the supporter's language, as the email did,
		// unless this browser has chosen one already.
		if (!event.cookies.get(cookieName) && isLocale(use.preferredLocale)) {
			event.cookies.set(cookieName, use.preferredLocale, {
				path: '/',
				maxAge: 60 * 60 * 24 * 365,
				httpOnly: false,
				sameSite: 'lax',
				secure: event.url.protocol === 'https:'
			});
		}
		event.locals.log.info({ supporterId: use.supporterId }, 'supporter signed in with a link');
		redirect(303, '/my');
	},
	request: linkRequestAction
} satisfies Actions;
