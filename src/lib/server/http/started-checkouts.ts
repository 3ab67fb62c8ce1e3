import type { Cookies } from '@sveltejs/kit';
import { isLocalPlainHttp, secureCookieName } from '../auth/cookies.ts';

// The thank-you page names the giver's email and amount. Its address carries the checkout's id,
// which can travel (a shared screenshot, a browser history, a proxy log), so those details are
// shown only to the browser that started the checkout: it keeps the ids it started in an
// HttpOnly cookie that only the thank-you page receives.

const COOKIE = 'komak_checkouts';
const PATH = '/thank-you';
const KEPT = 5;
const idPattern = /^[A-Za-z0-9_-]{1,200}$/;

function startedIds({ cookies, url }: { cookies: Cookies; url: URL }): string[] {
	return (cookies.get(secureCookieName(COOKIE, url)) ?? '')
		.split('.')
		.filter((id) => idPattern.test(id));
}

/** Notes that this browser started the checkout `id` (the last few are kept). */
export function rememberStartedCheckout(event: { cookies: Cookies; url: URL }, id: string): void {
	if (!idPattern.test(id)) return;
	const ids = [...startedIds(event).filter((kept) => kept !== id), id].slice(-KEPT);
	event.cookies.set(secureCookieName(COOKIE, event.url), ids.join('.'), {
		path: PATH,
		httpOnly: true,
		// Lax: the return from the payment page is a top-level navigation, which carries it.
		sameSite: 'lax',
		secure: !isLocalPlainHttp(event.url),
		maxAge: 60 * 60 * 24 * 7
	});
}

/** Whether this browser started the checkout `id`. */
export function didStartCheckout(event: { cookies: Cookies; url: URL }, id: string): boolean {
	return startedIds(event).includes(id);
}
