import { createHash } from 'node:crypto';
import { locales } from '$lib/locales';
import { m } from '$lib/paraglide/messages';
import { getDatabase } from '$lib/server/db/instance';
import { getAppealSettings } from '$lib/server/organisation/settings';
import source from '$lib/embed/embed-script.js?raw';
import type { RequestHandler } from './$types';

// The script newsrooms paste into articles (src/lib/embed/embed-script.js), with its few words in
// every language put in: the article, not the reader's browser, decides which it shows.

let built: { organisation: string; body: string; etag: string } | null = null;

function embedScript(organisation: string) {
	if (built?.organisation !== organisation) {
		const words = Object.fromEntries(
			locales.map((locale) => [
				locale,
				{
					close: m.embed_close({}, { locale }),
					title: m.embed_frame_title({ organisation }, { locale })
				}
			])
		);
		// Comments and leading spaces are for readers of the source, not for every article's reader.
		const body = source
			.replace(/^\s*\/\/.*\n/gm, '')
			.replace(/\/\*\*[\s\S]*?\*\/\s*/g, '')
			.replace(/^\s+/gm, '')
			.replace('(WORDS)', `(${JSON.stringify(words)})`);
		const etag = `"${createHash('sha256').update(body).digest('base64url').slice(0, 16)}"`;
		built = { organisation, body, etag };
	}
	return built;
}

export const GET: RequestHandler = async ({ request }) => {
	const { organisation } = await getAppealSettings(getDatabase());
	const script = embedScript(organisation.name);
	const headers = {
		'content-type': 'text/javascript; charset=utf-8',
		// Articles load it on every view: browsers and CDNs keep it an hour, then ask again.
		'cache-control': 'public, max-age=3600, stale-while-revalidate=86400',
		etag: script.etag
	};
	if (request.headers.get('if-none-match') === script.etag)
		return new Response(null, { status: 304, headers });
	return new Response(script.body, { headers });
};
