import { once } from 'node:events';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { brotliCompressSync, brotliDecompressSync, gunzipSync } from 'node:zlib';
import { afterEach, describe, expect, it } from 'vitest';
import { compressResponse, preferredEncoding } from './compression';

const servers: http.Server[] = [];
afterEach(() =>
	servers.splice(0).forEach((s) => {
		s.close();
		s.closeAllConnections();
	})
);

async function serve(app: http.RequestListener) {
	const server = http.createServer((req, res) => {
		compressResponse(req, res);
		app(req, res);
	});
	server.listen(0, '127.0.0.1');
	await once(server, 'listening');
	servers.push(server);
	return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

function get(url: string, headers: Record<string, string> = {}, method = 'GET') {
	return new Promise<{ status: number; headers: http.IncomingHttpHeaders; body: Buffer }>(
		(resolve, reject) =>
			http
				.request(url, { headers, method }, async (res) => {
					const chunks: Buffer[] = [];
					for await (const chunk of res) chunks.push(chunk);
					resolve({ status: res.statusCode!, headers: res.headers, body: Buffer.concat(chunks) });
				})
				.on('error', reject)
				.end()
	);
}

const page = `<!doctype html>${'<p>Keep independent news free for every reader.</p>'.repeat(200)}`;

/** Writes as SvelteKit's adapter does: headers set one by one, then the body in chunks. */
const sveltekitLike: http.RequestListener = (req, res) => {
	res.setHeader('content-type', 'text/html; charset=utf-8');
	res.setHeader('etag', '"page"');
	res.setHeader('vary', 'Cookie, Accept-Language');
	res.writeHead(200);
	res.write(page.slice(0, 5000));
	res.end(page.slice(5000));
};

describe('compressResponse', () => {
	it('sends a page brotli-compressed to a browser, gzip to a client that takes only gzip', async () => {
		const base = await serve(sveltekitLike);
		const brotli = await get(base, { 'accept-encoding': 'gzip, deflate, br, zstd' });
		expect(brotli.headers['content-encoding']).toBe('br');
		expect(brotli.headers.vary).toBe('Cookie, Accept-Language, Accept-Encoding');
		expect(brotli.headers.etag).toBe('"page-br"');
		expect(brotli.body.length).toBeLessThan(page.length / 10);
		expect(brotliDecompressSync(brotli.body).toString()).toBe(page);
		const gzip = await get(base, { 'accept-encoding': 'gzip' });
		expect(gzip.headers['content-encoding']).toBe('gzip');
		expect(gunzipSync(gzip.body).toString()).toBe(page);
	});

	it('sends the page as it is to a client that asks for no encoding', async () => {
		const base = await serve(sveltekitLike);
		const plain = await get(base);
		expect(plain.headers['content-encoding']).toBeUndefined();
		expect(plain.body.toString()).toBe(page);
	});

	it('never compresses twice, nor images, small bodies, HEAD or 304 answers', async () => {
		const already = brotliCompressSync(page);
		const base = await serve((req, res) => {
			if (req.url === '/cached')
				res.writeHead(200, ['content-type', 'text/html', 'content-encoding', 'br']).end(already);
			else if (req.url === '/image')
				res.writeHead(200, { 'content-type': 'image/png' }).end(Buffer.alloc(5000));
			else if (req.url === '/small')
				res.writeHead(200, { 'content-type': 'text/plain', 'content-length': 5 }).end('hello');
			else if (req.url === '/unchanged') res.writeHead(304, { etag: '"x"' }).end();
			else sveltekitLike(req, res);
		});
		const accept = { 'accept-encoding': 'br' };
		const cached = await get(`${base}/cached`, accept);
		expect(cached.headers['content-encoding']).toBe('br');
		expect(brotliDecompressSync(cached.body).toString()).toBe(page);
		expect((await get(`${base}/image`, accept)).headers['content-encoding']).toBeUndefined();
		const small = await get(`${base}/small`, accept);
		expect(small.body.toString()).toBe('hello');
		expect((await get(`${base}/unchanged`, accept)).status).toBe(304);
		const head = await get(base, accept, 'HEAD');
		expect(head.headers['content-encoding']).toBeUndefined();
	});

	it('streams a long export without holding it whole', async () => {
		const line = 'Laila Ahmadi,laila@example.com,250.00,NOK\n';
		const base = await serve(async (req, res) => {
			res.writeHead(200, { 'content-type': 'text/csv; charset=utf-8' });
			for (let i = 0; i < 20_000; i++) {
				if (!res.write(line)) await once(res, 'drain');
			}
			res.end();
		});
		const csv = await get(base, { 'accept-encoding': 'gzip' });
		expect(csv.headers['content-encoding']).toBe('gzip');
		expect(gunzipSync(csv.body).toString()).toBe(line.repeat(20_000));
	});
});

describe('preferredEncoding', () => {
	it('prefers brotli, then gzip, and respects q=0', () => {
		expect(preferredEncoding('gzip, deflate, br, zstd')).toBe('br');
		expect(preferredEncoding('gzip')).toBe('gzip');
		expect(preferredEncoding('br;q=0, gzip')).toBe('gzip');
		expect(preferredEncoding('identity')).toBe('identity');
		expect(preferredEncoding(undefined)).toBe('identity');
	});
});
