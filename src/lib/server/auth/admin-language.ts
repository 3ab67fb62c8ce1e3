import type { RequestEvent } from '@sveltejs/kit';
import { defineCustomServerStrategy } from '../../paraglide/runtime.js';
import { isLocale, type Locale } from '../../locales.ts';
import { getDatabase } from '../db/instance.ts';
import { isAdminPath } from './handle.ts';
import { setStaffLocale } from './staff.ts';
import { invitationLocale } from './staff-invite.ts';

// The admin speaks each staff member's own language, kept on the account, so it follows them to
// any browser and does not change when they read the public appeal in another language (the
// appeal's choice is the language cookie). Paraglide asks its custom strategies before the
// cookie: this one names the language an /admin page must have for whoever is signed in, and the
// language of the article an embedded appeal sits in (claimEmbedLanguage).

const languageOfRequest = new WeakMap<Request, Locale>();

defineCustomServerStrategy('custom-pageLanguage', {
	getLocale: (request) => (request ? languageOfRequest.get(request) : undefined)
});

/**
 * Before the language is decided: a signed-in staff member's own language wins on /admin; an
 * invitation's page speaks the language the invitation was written in.
 */
export async function claimAdminLanguage(event: RequestEvent): Promise<void> {
	const { pathname, searchParams } = event.url;
	if (!isAdminPath(pathname)) return;
	const locale =
		event.locals.staff?.locale ??
		(pathname === '/admin/invite'
			? await invitationLocale(getDatabase(), searchParams.get('token') ?? '')
			: null);
	if (locale) languageOfRequest.set(event.request, locale);
}

/** Whether a path is the appeal inside an article's frame (/embed, /embed/<campaign>). */
export const isEmbedPath = (pathname: string) => /^\/embed(\/|$)/.test(pathname);

/**
 * The appeal opened from an article (inside its frame, or in a new tab on a phone) speaks the
 * article's language, which embed.js passes as `?lang=` (a frame on another site has no language
 * cookie of ours to read).
 */
export function claimEmbedLanguage(event: RequestEvent): void {
	const { pathname, searchParams } = event.url;
	const lang = searchParams.get('lang');
	if ((pathname === '/' || isEmbedPath(pathname)) && isLocale(lang))
		languageOfRequest.set(event.request, lang);
}

/**
 * After it is decided: an account without a language yet keeps the one its first signed-in page
 * was shown in (the browser's, from Accept-Language or the cookie).
 */
export async function adoptBrowserLanguage(event: RequestEvent, locale: string): Promise<void> {
	const staff = event.locals.staff;
	if (!staff || staff.locale || !isLocale(locale) || !isAdminPath(event.url.pathname)) return;
	await setStaffLocale(getDatabase(), staff.id, locale, { replace: false });
	staff.locale = locale;
}
