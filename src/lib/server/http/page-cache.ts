import { randomUUID } from 'node:crypto';
import type { IncomingMessage, OutgoingHttpHeaders, ServerResponse } from 'node:http';
import { brotliCompressSync, constants, gzipSync } from 'node:zlib';
import { preferredEncoding, type Encoding } from './compression.ts';

// A micro-cache in front of SvelteKit for pages that are the same for every visitor (the appeal):
// for a second or two, the rendered HTML is served from memory, already compressed. It holds
// nothing that matters: every entry is a copy of what the app would render again, and a settings
// change shows on every instance within the time to live.

export interface PageCacheOptions {
	/** How long a rendered page is reused; 0 turns the cache off. */
	ttlMs: number;
	/** Exact paths whose GET responses may be shared, e.g. ['/']. */
	paths: string[];
	/** Beginnings of paths whose pages may be shared too, e.g. ['/embed/'] (each campaign's). */
	pathPrefixes?: string[];
	/** The cookie that selects the page's language; other cookies do not change these pages. */
	localeCookie: string;
	maxEntries?: number;
	now?: () => number;
	onHit?: (details: { requestId: string; path: string; status: number }) => void;
}

interface Variant {
	body: Buffer;
	etag: string | undefined;
	/** Flat [name, value, name, value, …] with the request id's value last, ready for writeHead. */
	rawHeaders: string[];
}

interface Entry {
	expiresAt: number;
	status: number;
	headers: OutgoingHttpHeaders;
	body: Buffer;
	variants: Partial<Record<Encoding, Variant>>;
}

function cookieValue(header: string | undefined, name: string): string {
	if (!header) return '';
	for (const part of header.split(';')) {
		const [key, ...value] = part.trim().split('=');
		if (key === name) return value.join('=');
	}
	return '';
}

/**
 * Parameters that advertisers and newsletters add to links (Facebook's fbclid, Google's gclid,
 * utm_*): they say where a visitor came from and never change the page.
 */
const trackingParameter =
	/^(utm_[a-z_]+|fbclid|gclid|gbraid|wbraid|dclid|msclkid|twclid|ttclid|igshid|yclid|mc_cid|mc_eid|_ga|_gl)$/i;

/** `path?query` without the tracking parameters, the others kept as they were written. */
export function withoutTrackingParameters(path: string, query: string): string {
	const kept = query
		.split('&')
		.filter((part) => part && !trackingParameter.test(part.split('=', 1)[0]));
	return kept.length ? `${path}?${kept.join('&')}` : path;
}

export function createPageCache(options: PageCacheOptions) {
	const entries = new Map<string, Entry>();
	const paths = new Set(options.paths);
	const now = options.now ?? Date.now;
	const maxEntries = options.maxEntries ?? 200;

	function keyOf(request: IncomingMessage): string | null {
		if (options.ttlMs <= 0 || (request.method !== 'GET' && request.method !== 'HEAD')) return null;
		const whole = request.url ?? '/';
		const queryAt = whole.indexOf('?');
		const path = queryAt < 0 ? whole : whole.slice(0, queryAt);
		if (!paths.has(path) && !options.pathPrefixes?.some((prefix) => path.startsWith(prefix)))
			return null;
		// The page is rendered without the click ids, so every click on a shared link is one entry
		// (and one visitor's click id never shows in the page another is sent).
		const url = queryAt < 0 ? path : withoutTrackingParameters(path, whole.slice(queryAt + 1));
		request.url = url;
		const locale = cookieValue(request.headers.cookie, options.localeCookie);
		return `${url}\n${locale}\n${locale ? '' : (request.headers['accept-language'] ?? '')}`;
	}

	/** The page as sent with one encoding: compressed and its headers laid out once per entry. */
	function variantOf(entry: Entry, encoding: Encoding): Variant {
		let variant = entry.variants[encoding];
		if (!variant) {
			const body =
				encoding === 'br'
					? brotliCompressSync(entry.body, { params: { [constants.BROTLI_PARAM_QUALITY]: 6 } })
					: encoding === 'gzip'
						? gzipSync(entry.body, { level: 6 })
						: entry.body;
			const headers: OutgoingHttpHeaders = { ...entry.headers, 'content-length': body.length };
			headers.vary = headers.vary ? `${headers.vary}, Accept-Encoding` : 'Accept-Encoding';
			if (encoding !== 'identity') {
				headers['content-encoding'] = encoding;
				if (typeof headers.etag === 'string')
					headers.etag = headers.etag.replace(/"$/, `-${encoding}"`);
			}
			const rawHeaders = Object.entries(headers).flatMap(([name, value]) =>
				(Array.isArray(value) ? value : [value]).flatMap((one) => [name, String(one)])
			);
			rawHeaders.push('x-request-id', '');
			variant = { body, etag: headers.etag as string | undefined, rawHeaders };
			entry.variants[encoding] = variant;
		}
		return variant;
	}

	function send(request: IncomingMessage, response: ServerResponse, entry: Entry) {
		const variant = variantOf(entry, preferredEncoding(request.headers['accept-encoding']));
		const requestId = randomUUID();
		const rawHeaders = variant.rawHeaders.slice();
		rawHeaders[rawHeaders.length - 1] = requestId;
		const notModified =
			variant.etag !== undefined && request.headers['if-none-match'] === variant.etag;
		response.writeHead(notModified ? 304 : entry.status, rawHeaders);
		response.end(request.method === 'HEAD' || notModified ? undefined : variant.body);
		options.onHit?.({ requestId, path: request.url ?? '/', status: entry.status });
	}

	/** Keeps a copy of what the app writes, and stores it if it may be shared. */
	function capture(response: ServerResponse, store: (entry: Entry) => void) {
		const chunks: Buffer[] = [];
		// The headers as the app wrote them, before the compression below the cache adds its own.
		let headers: OutgoingHttpHeaders | null = null;
		const writeHead = response.writeHead.bind(response);
		const write = response.write.bind(response);
		const end = response.end.bind(response);
		// eslint-disable-next-line @typescript-eslint/no-explicit-any
		response.writeHead = ((status: number, ...rest: any[]) => {
			const given = rest.find((arg) => arg && typeof arg === 'object');
			headers = { ...response.getHeaders(), ...(given ?? {}) };
			return writeHead(status, ...rest);
		}) as typeof response.writeHead;
		// eslint-disable-next-line @typescript-eslint/no-explicit-any
		response.write = ((chunk: any, ...rest: any[]) => {
			if (chunk) chunks.push(Buffer.from(chunk));
			return write(chunk, ...rest);
		}) as typeof response.write;
		// eslint-disable-next-line @typescript-eslint/no-explicit-any
		response.end = ((chunk?: any, ...rest: any[]) => {
			if (chunk && typeof chunk !== 'function') chunks.push(Buffer.from(chunk));
			const lower = Object.fromEntries(
				Object.entries(headers ?? response.getHeaders()).map(([k, v]) => [k.toLowerCase(), v])
			);
			const isShareable =
				response.statusCode === 200 &&
				!lower['set-cookie'] &&
				!lower['content-encoding'] &&
				!/no-store|private/.test(String(lower['cache-control'] ?? '')) &&
				String(lower['content-type'] ?? '').startsWith('text/html');
			if (isShareable) {
				delete lower['x-request-id'];
				delete lower['content-length'];
				store({
					expiresAt: now() + options.ttlMs,
					status: 200,
					headers: lower,
					body: Buffer.concat(chunks),
					variants: {}
				});
			}
			return end(chunk, ...rest);
		}) as typeof response.end;
	}

	return {
		/** Answers from the cache, or lets `render` answer and keeps a copy. */
		handle(request: IncomingMessage, response: ServerResponse, render: () => void) {
			const key = keyOf(request);
			if (key === null) return render();
			const entry = entries.get(key);
			if (entry && entry.expiresAt > now()) return send(request, response, entry);
			if (entry) entries.delete(key);
			// A HEAD response has no body to keep.
			if (request.method === 'GET') {
				capture(response, (fresh) => {
					if (entries.size >= maxEntries) entries.delete(entries.keys().next().value!);
					entries.set(key, fresh);
				});
			}
			render();
		},
		clear: () => entries.clear(),
		get size() {
			return entries.size;
		}
	};
}
