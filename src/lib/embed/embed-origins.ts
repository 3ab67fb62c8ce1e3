// The sites whose pages may show the appeal inside a frame (CSP frame-ancestors). Pure: the
// settings form reads them with it, and the thank-you page asks it whether an article is theirs.

/** At most this many sites: each is written into the header of every embedded page. */
export const MAX_EMBED_ORIGINS = 20;

export type EmbedOriginsResult =
	{ ok: true; origins: string[] } | { ok: false; error: 'embed_origin_invalid' | 'too_long' };

/**
 * One site as staff may write it: `https://news.example.org` (a trailing slash is forgiven),
 * never a path, query, user or wildcard; plain http only for a site on this computer.
 */
export function parseEmbedOrigin(text: string): string | null {
	if (!/^https?:\/\/[^/?#@*\s]+\/?$/i.test(text)) return null;
	let url: URL;
	try {
		url = new URL(text);
	} catch {
		return null;
	}
	const isLocal = ['localhost', '127.0.0.1', '[::1]'].includes(url.hostname);
	if (url.protocol !== 'https:' && !(url.protocol === 'http:' && isLocal)) return null;
	return url.origin;
}

/** The settings field: sites separated by commas, spaces or lines, each checked, none twice. */
export function readEmbedOrigins(text: string): EmbedOriginsResult {
	const origins: string[] = [];
	for (const part of text.split(/[\s,]+/).filter(Boolean)) {
		const origin = parseEmbedOrigin(part);
		if (!origin) return { ok: false, error: 'embed_origin_invalid' };
		if (!origins.includes(origin)) origins.push(origin);
	}
	if (origins.length > MAX_EMBED_ORIGINS) return { ok: false, error: 'too_long' };
	return { ok: true, origins };
}

/** Whether a page's address (an article) is on one of the allowed sites. */
export function isOnEmbedOrigin(address: string | null, origins: readonly string[]): boolean {
	if (!address) return false;
	try {
		return origins.includes(new URL(address).origin);
	} catch {
		return false;
	}
}
