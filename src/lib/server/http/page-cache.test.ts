import { once } from 'node:events';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { brotliDecompressSync, gunzipSync } from 'node:zlib';
import { afterEach, describe, expect, it } from 'vitest';
import { compressResponse } from './compression';
import { createPageCache, withoutTrackingParameters } from './page-cache';

// A real HTTP server whose "app" counts how often it renders.
async function serve(app: http.RequestListener, ttlMs = 2000, { isCompressing = false } = {}) {
	let clock = 1_000;
	const cache = createPageCache({
		ttlMs,
		paths: ['/'],
		pathPrefixes: ['/embed/'],
		localeCookie: 'PARAGLIDE_LOCALE',
		now: () => clock
	});
	const server = http.createServer((req, res) => {
		// As in scripts/start.ts: compression outermost, the cache keeps the page itself.
		if (isCompressing) compressResponse(req, res);
		cache.handle(req, res, () => app(req, res));
	});
	server.listen(0, '127.0.0.1');
	await once(server, 'listening');
	const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
	servers.push(server);
	return { base, cache, advance: (ms: number) => (clock += ms) };
}

const servers: http.Server[] = [];
afterEach(() =>
	servers.splice(0).forEach((s) => {
		s.close();
		s.closeAllConnections();
	})
);

function get(url: string, headers: Record<string, string> = {}) {
	return new Promise<{ status: number; headers: http.IncomingHttpHeaders; body: Buffer }>(
		(resolve, reject) =>
			http
				.get(url, { headers }, async (res) => {
					const chunks: Buffer[] = [];
					for await (const chunk of res) chunks.push(chunk);
					resolve({ status: res.statusCode!, headers: res.headers, body: Buffer.concat(chunks) });
				})
				.on('error', reject)
	);
}

function countingApp(extraHeaders: Record<string, string> = {}) {
	const app = Object.assign(
		(req: http.IncomingMessage, res: http.ServerResponse) => {
			app.renders++;
			const lang =
				/PARAGLIDE_LOCALE=([\w-]+)/.exec(req.headers.cookie ?? '')?.[1] ??
				req.headers['accept-language'] ??
				'en';
			res.writeHead(200, {
				'content-type': 'text/html',
				'x-request-id': `render-${app.renders}`,
				etag: '"abc"',
				...extraHeaders
			});
			res.write(`<html lang="${lang}">`);
			res.end(`${'<p>appeal</p>'.repeat(100)}render ${app.renders}</html>`);
		},
		{ renders: 0 }
	);
	return app;
}

describe('the page cache', () => {
	it('renders the appeal once per time to live and serves copies with fresh request ids', async () => {
		const app = countingApp();
		const { base, advance } = await serve(app);
		const first = await get(`${base}/`);
		const second = await get(`${base}/`);
		expect(app.renders).toBe(1);
		expect(second.body.toString()).toBe(first.body.toString());
		expect(second.headers['x-request-id']).not.toBe(first.headers['x-request-id']);
		expect(second.headers['x-request-id']).not.toMatch(/^render-/);
		advance(2001);
		expect((await get(`${base}/`)).body.toString()).toContain('render 2');
	});

	it('keeps languages apart, by cookie and by Accept-Language', async () => {
		const app = countingApp();
		const { base } = await serve(app);
		await get(`${base}/`, { 'accept-language': 'nb' });
		expect((await get(`${base}/`, { 'accept-language': 'fa-AF' })).body.toString()).toContain(
			'lang="fa-AF"'
		);
		expect((await get(`${base}/`, { cookie: 'PARAGLIDE_LOCALE=ps' })).body.toString()).toContain(
			'lang="ps"'
		);
		expect((await get(`${base}/`, { 'accept-language': 'nb' })).body.toString()).toContain(
			'lang="nb"'
		);
		expect(app.renders).toBe(3);
	});

	it('sends brotli or gzip to clients that take them, with a matching ETag', async () => {
		const app = countingApp();
		const { base } = await serve(app);
		const plain = await get(`${base}/`);
		const br = await get(`${base}/`, { 'accept-encoding': 'gzip, deflate, br, zstd' });
		expect(br.headers['content-encoding']).toBe('br');
		expect(brotliDecompressSync(br.body).toString()).toBe(plain.body.toString());
		expect(br.body.length).toBeLessThan(plain.body.length / 5);
		const gzip = await get(`${base}/`, { 'accept-encoding': 'gzip' });
		expect(gunzipSync(gzip.body).toString()).toBe(plain.body.toString());
		expect(gzip.headers.etag).toBe('"abc-gzip"');
		expect(
			(await get(`${base}/`, { 'accept-encoding': 'gzip', 'if-none-match': '"abc-gzip"' })).status
		).toBe(304);
	});

	it('never shares a response that sets a cookie, is private, or is not a page', async () => {
		const unshareable: Record<string, string>[] = [
			{ 'set-cookie': 'a=b' },
			{ 'cache-control': 'private' },
			{ 'content-type': 'application/json' }
		];
		for (const headers of unshareable) {
			const app = countingApp(headers);
			const { base } = await serve(app);
			await get(`${base}/`);
			await get(`${base}/`);
			expect(app.renders).toBe(2);
		}
	});

	it('leaves other paths, form posts and a zero time to live alone', async () => {
		const app = countingApp();
		const { base } = await serve(app);
		await get(`${base}/other`);
		await get(`${base}/other`);
		await new Promise((resolve) => http.request(`${base}/`, { method: 'POST' }, resolve).end());
		await new Promise((resolve) => http.request(`${base}/`, { method: 'POST' }, resolve).end());
		expect(app.renders).toBe(4);
		const off = countingApp();
		const { base: offBase } = await serve(off, 0);
		await get(`${offBase}/`);
		await get(`${offBase}/`);
		expect(off.renders).toBe(2);
	});
	it("shares each campaign's appeal inside articles, one copy per language and article", async () => {
		const app = countingApp();
		const { base } = await serve(app);
		const article = `source=${encodeURIComponent('https://news.example/story')}`;
		await get(`${base}/embed/year-end?lang=fa-AF&${article}`);
		await get(`${base}/embed/year-end?lang=fa-AF&${article}`);
		expect(app.renders).toBe(1);
		await get(`${base}/embed/year-end?lang=en&${article}`);
		await get(`${base}/embed/spring?lang=fa-AF&${article}`);
		await get(`${base}/embedded`);
		expect(app.renders).toBe(4);
	});

	it('keeps the page itself when every response is compressed on its way out', async () => {
		const app = countingApp();
		const { base } = await serve(app, 2000, { isCompressing: true });
		const first = await get(`${base}/`, { 'accept-encoding': 'br' });
		const second = await get(`${base}/`, { 'accept-encoding': 'gzip' });
		expect(app.renders).toBe(1);
		expect(first.headers['content-encoding']).toBe('br');
		expect(second.headers['content-encoding']).toBe('gzip');
		expect(second.headers.vary).toContain('Accept-Encoding');
		expect(gunzipSync(second.body).toString()).toBe(brotliDecompressSync(first.body).toString());
	});

	it('serves one copy to every click on a shared link, whatever its click id or utm tags', async () => {
		const app = countingApp();
		const { base } = await serve(app);
		const first = await get(`${base}/?fbclid=IwAR0abc&utm_source=facebook`);
		const second = await get(`${base}/?fbclid=IwAR1xyz`);
		expect(app.renders).toBe(1);
		expect(second.body.toString()).toBe(first.body.toString());
		// Parameters that change the form (a prefilled amount) are pages of their own.
		await get(`${base}/?amount=500&utm_campaign=spring`);
		expect(app.renders).toBe(2);
	});
});

describe('withoutTrackingParameters', () => {
	it('drops click ids and utm tags and keeps what the page reads', () => {
		expect(withoutTrackingParameters('/', 'fbclid=abc')).toBe('/');
		expect(withoutTrackingParameters('/', 'utm_source=news&currency=EUR&gclid=1&amount=25')).toBe(
			'/?currency=EUR&amount=25'
		);
		expect(withoutTrackingParameters('/', 'frequency=monthly')).toBe('/?frequency=monthly');
	});
});
