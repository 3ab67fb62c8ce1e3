import type { RequestEvent } from '@sveltejs/kit';

// The one guard against cross-site writes to the signed-in areas (/admin and /my): a form post
// from another site, riding on a session cookie, is refused before any page code runs.

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/**
 * Whether a request comes from the site's own pages. Browsers send Sec-Fetch-Site with every
 * request and Origin with every POST; a request with neither (a script) is refused too.
 */
export function isSameOriginRequest(request: Request, url: URL): boolean {
	const fetchSite = request.headers.get('sec-fetch-site');
	if (fetchSite !== null) return fetchSite === 'same-origin';
	return request.headers.get('origin') === url.origin;
}

/** A 403 for a write from another site, or null when the request may go on. */
export function refuseCrossOriginWrite(event: RequestEvent, refusal: string): Response | null {
	if (SAFE_METHODS.has(event.request.method) || isSameOriginRequest(event.request, event.url)) {
		return null;
	}
	event.locals.log.warn(
		{ origin: event.request.headers.get('origin'), path: event.url.pathname },
		'cross-origin write refused'
	);
	return new Response(refusal, {
		status: 403,
		headers: { 'content-type': 'text/plain; charset=utf-8' }
	});
}

/** Personal and financial pages: never kept by a shared cache or the browser's back-forward cache. */
export function keepPrivate(response: Response): Response {
	if (!response.headers.has('cache-control')) {
		response.headers.set('cache-control', 'private, no-store');
	}
	return response;
}
