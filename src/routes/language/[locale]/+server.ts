import { error, redirect } from '@sveltejs/kit';
import { cookieName } from '$lib/paraglide/runtime';
import { isLocale } from '$lib/locales';
import { localPath } from '$lib/server/http/local-path';
import type { RequestHandler } from './$types';

// The language switcher is a plain link, so it works without JavaScript.
export const GET: RequestHandler = ({ params, url, cookies }) => {
	if (!isLocale(params.locale)) error(404, 'Unknown language');
	cookies.set(cookieName, params.locale, {
		path: '/',
		maxAge: 60 * 60 * 24 * 365,
		httpOnly: false,
		sameSite: 'lax',
		secure: url.protocol === 'https:'
	});
	redirect(303, localPath(url.searchParams.get('to')));
};
