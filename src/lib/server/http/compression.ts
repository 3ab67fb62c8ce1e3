import type { IncomingMessage, OutgoingHttpHeaders, ServerResponse } from 'node:http';
import {
	constants,
	createBrotliCompress,
	createGzip,
	type BrotliCompress,
	type Gzip
} from 'node:zlib';

// Compresses every text response on its way out (brotli or gzip, as the client asks), whoever
// wrote it: SvelteKit's pages and endpoints, the CSV exports. A response that already carries a
// Content-Encoding (the page cache's copies, adapter-node's precompressed .br/.gz files) is left
// alone, so nothing is ever compressed twice.

export type Encoding = 'br' | 'gzip' | 'identity';

const encodingChoices = new Map<string, Encoding>();

/** Which compression the client takes, best first. */
export function preferredEncoding(acceptEncoding: string | undefined): Encoding {
	if (!acceptEncoding) return 'identity';
	let choice = encodingChoices.get(acceptEncoding);
	if (!choice) {
		choice = parseAcceptEncoding(acceptEncoding);
		// Browsers send a handful of distinct values; don't let odd clients grow this forever.
		if (encodingChoices.size > 100) encodingChoices.clear();
		encodingChoices.set(acceptEncoding, choice);
	}
	return choice;
}

function parseAcceptEncoding(acceptEncoding: string): Encoding {
	const accepted = acceptEncoding
		.split(',')
		.map((part) => part.trim().split(';'))
		.filter(([, q]) => !q || !/q=0(\.0*)?$/.test(q.trim()))
		.map(([name]) => name.toLowerCase());
	if (accepted.includes('br')) return 'br';
	if (accepted.includes('gzip')) return 'gzip';
	return 'identity';
}

const compressibleType =
	/^(text\/|application\/(json|javascript|xml|ld\+json|manifest\+json)|image\/svg\+xml)/i;
/** Below this, the encoding's own overhead outweighs what it saves. */
const MINIMUM_BYTES = 1024;
/**
 * Brotli quality 5: on the appeal's 14 KB of HTML, 0.4 ms for 4.0 KB; quality 11 saves another
 * 0.5 KB for 60 ms, which a page rendered per request cannot afford.
 */
const BROTLI_QUALITY = 5;

type Headers = OutgoingHttpHeaders | (string | string[])[] | undefined;

/** A header from writeHead's argument (object or flat/nested array) or else the response. */
function headerOf(response: ServerResponse, given: Headers, name: string): string {
	if (Array.isArray(given)) {
		const flat = given.flat();
		for (let i = 0; i + 1 < flat.length; i += 2)
			if (String(flat[i]).toLowerCase() === name) return String(flat[i + 1]);
	} else if (given) {
		for (const [key, value] of Object.entries(given))
			if (key.toLowerCase() === name && value !== undefined) return String(value);
	}
	return String(response.getHeader(name) ?? '');
}

function shouldCompress(
	request: IncomingMessage,
	response: ServerResponse,
	status: number,
	given: Headers
): boolean {
	if (request.method === 'HEAD' || status < 200 || status === 204 || status === 304) return false;
	if (headerOf(response, given, 'content-encoding')) return false;
	if (!compressibleType.test(headerOf(response, given, 'content-type'))) return false;
	if (/no-transform/i.test(headerOf(response, given, 'cache-control'))) return false;
	const length = headerOf(response, given, 'content-length');
	return !length || Number(length) >= MINIMUM_BYTES;
}

function addVary(response: ServerResponse) {
	const vary = String(response.getHeader('vary') ?? '');
	if (!/(^|,)\s*(accept-encoding|\*)\s*(,|$)/i.test(vary))
		response.setHeader('vary', vary ? `${vary}, Accept-Encoding` : 'Accept-Encoding');
}

/**
 * Makes `response` compress what is written to it, if the client accepts an encoding and the
 * response is text. Call before anything is written.
 */
export function compressResponse(request: IncomingMessage, response: ServerResponse) {
	const encoding = preferredEncoding(request.headers['accept-encoding']);
	if (encoding === 'identity') return;
	// Node's overloads do not survive being called through; the wrappers below pass arguments on.
	type Passthrough = (this: unknown, ...args: unknown[]) => unknown;
	const writeHead = response.writeHead as Passthrough;
	const write = response.write as Passthrough;
	const end = response.end as Passthrough;
	let compressor: BrotliCompress | Gzip | null = null;
	let isDecided = false;

	function start(status: number, given: Headers) {
		isDecided = true;
		const mayVary = compressibleType.test(headerOf(response, given, 'content-type'));
		if (!shouldCompress(request, response, status, given)) {
			if (mayVary && !headerOf(response, given, 'content-encoding') && !Array.isArray(given))
				addVary(response);
			return given;
		}
		// The given headers go onto the response, so the length can be dropped and the encoding set.
		if (Array.isArray(given)) {
			const flat = given.flat();
			for (let i = 0; i + 1 < flat.length; i += 2) response.setHeader(flat[i], flat[i + 1]);
		} else if (given) {
			for (const [key, value] of Object.entries(given))
				if (value !== undefined) response.setHeader(key, value);
		}
		response.removeHeader('content-length');
		response.setHeader('content-encoding', encoding);
		addVary(response);
		const etag = response.getHeader('etag');
		if (typeof etag === 'string') response.setHeader('etag', etag.replace(/"$/, `-${encoding}"`));
		compressor =
			encoding === 'br'
				? createBrotliCompress({ params: { [constants.BROTLI_PARAM_QUALITY]: BROTLI_QUALITY } })
				: createGzip({ level: 6 });
		let isWaitingForSocket = false;
		compressor.on('data', (chunk: Buffer) => {
			if (!write.call(response, chunk)) {
				isWaitingForSocket = true;
				compressor!.pause();
			}
		});
		response.on('drain', () => {
			if (isWaitingForSocket) {
				isWaitingForSocket = false;
				compressor!.resume();
			}
		});
		// The writer (adapter-node) waits for 'drain' when write() said the buffer is full.
		compressor.on('drain', () => response.emit('drain'));
		compressor.on('end', () => end.call(response));
		compressor.on('error', (error) => response.destroy(error));
		return undefined;
	}

	// eslint-disable-next-line @typescript-eslint/no-explicit-any
	response.writeHead = function (status: number, ...rest: any[]) {
		if (isDecided) return writeHead.call(response, status, ...rest);
		const headersAt = rest.findIndex((arg) => arg && typeof arg === 'object');
		const given = headersAt >= 0 ? (rest[headersAt] as Headers) : undefined;
		const kept = start(status, given);
		const message = typeof rest[0] === 'string' ? [rest[0]] : [];
		return kept
			? writeHead.call(response, status, ...message, kept)
			: writeHead.call(response, status, ...message);
	} as typeof response.writeHead;

	const ensureHead = () => {
		if (!isDecided && !response.headersSent) response.writeHead(response.statusCode);
	};

	// eslint-disable-next-line @typescript-eslint/no-explicit-any
	response.write = function (chunk: any, ...rest: any[]) {
		ensureHead();
		if (!compressor) return write.call(response, chunk, ...rest);
		return (compressor.write as Passthrough).call(compressor, chunk, ...rest);
	} as typeof response.write;

	// eslint-disable-next-line @typescript-eslint/no-explicit-any
	response.end = function (...args: any[]) {
		ensureHead();
		if (!compressor) return end.apply(response, args);
		const callback = args.findLast((arg) => typeof arg === 'function');
		if (callback) response.once('finish', callback);
		const chunk = typeof args[0] === 'function' ? undefined : args[0];
		const chunkEncoding = typeof args[1] === 'string' ? args[1] : undefined;
		if (chunk !== undefined && chunk !== null)
			compressor.end(chunk, chunkEncoding as BufferEncoding);
		else compressor.end();
		return response;
	} as typeof response.end;
}
