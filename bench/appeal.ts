// Benchmark of the donation appeal page (`/`): first-load weight and throughput.
// Run with `npm run bench` (builds first) or `node bench/appeal.ts` against an existing ./build.
// The app runs as in production: `node scripts/start.ts` (adapter-node handler + page cache).
import autocannon from 'autocannon';
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import { createServer, type AddressInfo } from 'node:net';
import { cpus, loadavg, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { brotliDecompressSync, gunzipSync, gzipSync } from 'node:zlib';

const WEIGHT_TARGET = 50 * 1024; // compressed bytes of HTML + CSS + JS on a first visit
// What Chromium sends; the server answers with brotli where it has it.
const BROWSER_ENCODINGS = 'gzip, deflate, br, zstd';
const RATIO_TARGET = 0.6; // app requests/s divided by a bare node:http server's
const LANGUAGES = ['en', 'fa-AF'] as const;
const LOAD = { connections: 50, pipelining: 1, headers: { 'accept-language': 'en' } };
// Static imports and re-exports in minified chunks: import{a as b}from"../chunks/x.js".
const STATIC_IMPORT = /\b(?:import|export)\s*(?:[\w${},*\s]*?from\s*)?"(\.[^"]+)"/g;
const RESULTS_FILE = new URL('./results.json', import.meta.url);
const PROJECT_DIR = fileURLToPath(new URL('..', import.meta.url)); // children run here, for build/

// Serves one fixed body, so the gap to the app is everything the app does per request.
const BARE_SERVER = `
const body = require('node:fs').readFileSync(process.env.BODY_FILE);
const headers = { 'content-type': process.env.CONTENT_TYPE, 'content-length': body.length };
require('node:http')
	.createServer((req, res) => res.writeHead(200, headers).end(body))
	.listen(Number(process.env.PORT));
`;

type Kind = 'html' | 'css' | 'js';
type Asset = {
	path: string;
	kind: Kind;
	raw: number;
	transferred: number;
	encoding: string;
	gzip: number;
};

const children = new Set<ChildProcess>();
const workDir = mkdtempSync(join(tmpdir(), 'komak-bench-'));

/** GET with node:http rather than fetch, which would decompress and hide the transferred size. */
async function get(url: string, headers: Record<string, string> = {}) {
	const res = await new Promise<http.IncomingMessage>((resolve, reject) =>
		http.get(url, { headers }, resolve).on('error', reject)
	);
	const chunks: Buffer[] = [];
	for await (const chunk of res) chunks.push(chunk);
	return { status: res.statusCode, headers: res.headers, body: Buffer.concat(chunks) };
}

async function freePort(): Promise<number> {
	const server = createServer().listen(0);
	await once(server, 'listening');
	const { port } = server.address() as AddressInfo;
	server.close();
	return port;
}

/** Starts `node <args>` on a free port and resolves once `readyPath` answers 200. */
async function startServer(args: string[], env: Record<string, string>, readyPath: string) {
	const port = await freePort();
	const url = `http://localhost:${port}`;
	const child = spawn(process.execPath, args, {
		cwd: PROJECT_DIR,
		env: { ...process.env, ...env, PORT: String(port), ORIGIN: url },
		stdio: ['ignore', 'ignore', 'inherit']
	});
	children.add(child);
	for (const deadline = Date.now() + 60_000; Date.now() < deadline;) {
		if (child.exitCode !== null) throw new Error(`node ${args[0]} exited with ${child.exitCode}`);
		const res = await get(url + readyPath).catch(() => null);
		if (res?.status === 200) return { child, url };
		await new Promise((resolve) => setTimeout(resolve, 250));
	}
	throw new Error(`node ${args[0]} was not ready within 60 s`);
}

async function stop(child: ChildProcess) {
	children.delete(child);
	if (child.exitCode !== null || child.signalCode !== null) return;
	const exited = once(child, 'exit');
	child.kill('SIGTERM');
	// The server drains open connections on SIGTERM; don't let that hang the bench.
	const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
	await exited;
	clearTimeout(timer);
}

/** Peak resident set size in MB (Linux only). */
function peakRssMb(pid: number | undefined): number | null {
	try {
		const kb = /VmHWM:\s*(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1];
		return kb ? Math.round(Number(kb) / 1024) : null;
	} catch {
		return null;
	}
}

const attr = (tag: string, name: string) =>
	new RegExp(`\\b${name}\\s*=\\s*["']?([^"'\\s>]+)`, 'i').exec(tag)?.[1]?.toLowerCase();

/** URLs of the CSS and JS that the page itself asks for (relative to the page). */
function pageAssets(html: string, linkHeader: string) {
	const found: { url: string; kind: Kind }[] = [];
	const add = (url: string | undefined, rel?: string, as?: string) => {
		if (url && (rel === 'stylesheet' || (rel === 'preload' && as === 'style')))
			found.push({ url, kind: 'css' });
		if (url && (rel === 'modulepreload' || rel === 'script')) found.push({ url, kind: 'js' });
	};
	const href = (tag: string) => /\b(?:href|src)\s*=\s*["']?([^"'\s>]+)/i.exec(tag)?.[1];
	for (const [tag] of html.matchAll(/<link\b[^>]*>/gi))
		add(href(tag), attr(tag, 'rel'), attr(tag, 'as'));
	for (const [, tag, inline] of html.matchAll(/<script\b([^>]*)>([\s\S]*?)<\/script>/gi)) {
		add(href(tag), 'script');
		// SvelteKit's bootstrap script: import("./_app/immutable/entry/start.x.js") etc.
		for (const [, url] of inline.matchAll(/\bimport\(\s*["']([^"']+)["']\s*\)/g))
			add(url, 'script');
	}
	// SvelteKit announces the route's node modules (which kit.start loads via node_ids) only as
	// `Link: <...>; rel="modulepreload"` headers, not <link> tags, so read those as well.
	for (const [, url, params] of linkHeader.matchAll(/<([^>]+)>([^,]*)/g))
		add(url, attr(params, 'rel'), attr(params, 'as'));
	return found;
}

/**
 * Fetches a file as Chromium would and measures what crosses the wire (`transferred`), plus its
 * gzip size for comparison with tools that only count gzip.
 */
async function measure(url: URL, kind: Kind, headers: Record<string, string> = {}) {
	const res = await get(url.href, { ...headers, 'accept-encoding': BROWSER_ENCODINGS });
	if (res.status !== 200) throw new Error(`GET ${url.pathname} returned ${res.status}`);
	const encoding = String(res.headers['content-encoding'] ?? 'identity');
	const decode = { br: brotliDecompressSync, gzip: gunzipSync }[encoding] ?? ((b: Buffer) => b);
	const body = decode(res.body);
	const gzip = gzipSync(body, { level: 6 }).length;
	const asset: Asset = {
		path: url.pathname,
		kind,
		raw: body.length,
		transferred: res.body.length,
		encoding,
		gzip
	};
	return { asset, body, headers: res.headers };
}

/** Everything the browser downloads on a first visit to `/` in `language`, JS graph included. */
async function firstLoad(base: string, language: string) {
	const pageUrl = new URL('/', base);
	// On a live site the page cache is warm: another visitor has just seen the page.
	await get(pageUrl.href, { 'accept-language': language });
	const page = await measure(pageUrl, 'html', { 'accept-language': language });
	const assets = [page.asset];
	const queue = pageAssets(page.body.toString(), String(page.headers.link ?? '')).map((a) => ({
		url: new URL(a.url, pageUrl),
		kind: a.kind
	}));
	const seen = new Set<string>();
	for (let next = queue.shift(); next; next = queue.shift()) {
		if (seen.has(next.url.href)) continue;
		seen.add(next.url.href);
		const { asset, body } = await measure(next.url, next.kind);
		assets.push(asset);
		if (next.kind !== 'js') continue;
		for (const [, spec] of body.toString().matchAll(STATIC_IMPORT))
			queue.push({ url: new URL(spec, next.url), kind: 'js' });
	}
	const sum = (list: Asset[]) => ({
		files: list.length,
		raw: list.reduce((n, a) => n + a.raw, 0),
		transferred: list.reduce((n, a) => n + a.transferred, 0),
		gzip: list.reduce((n, a) => n + a.gzip, 0)
	});
	const [htmlSum, css, js] = (['html', 'css', 'js'] as const).map((kind) =>
		sum(assets.filter((a) => a.kind === kind))
	);
	const total = sum(assets);
	const weight = {
		html: htmlSum,
		css,
		js,
		total,
		pass: total.transferred <= WEIGHT_TARGET,
		assets
	};
	return { weight, page };
}

/** A 3 s warm-up, then the measured 10 s run. */
async function throughput(url: string) {
	await autocannon({ ...LOAD, url, duration: 3 });
	const r = await autocannon({ ...LOAD, url, duration: 10 });
	return {
		requestsPerSecond: r.requests.mean,
		latencyP50Ms: r.latency.p50,
		latencyP99Ms: r.latency.p99,
		requests: r.requests.total,
		errors: r.errors + r.timeouts + r.non2xx
	};
}

async function run() {
	// Other work on the machine skews the throughput figures, so record how busy it was.
	const machine = { node: process.version, cpus: cpus().length, loadAverage: loadavg()[0] };
	const appEnv = { PGLITE_DIR: join(workDir, 'pglite'), LOG_LEVEL: 'warn' };
	const app = await startServer(['scripts/start.ts'], appEnv, '/healthz');
	const firstLoads = await Promise.all(LANGUAGES.map((language) => firstLoad(app.url, language)));
	const appLoad = await throughput(app.url);
	const appPeakRssMb = peakRssMb(app.child.pid);
	await stop(app.child); // so the bare server has the machine to itself

	// The bare server sends the very bytes (and content-type) the app sent for `/` in English.
	const { page } = firstLoads[0];
	const bodyFile = join(workDir, 'page.html');
	writeFileSync(bodyFile, page.body);
	const bareEnv = { BODY_FILE: bodyFile, CONTENT_TYPE: String(page.headers['content-type']) };
	const bare = await startServer(['-e', BARE_SERVER], bareEnv, '/');
	const bareLoad = await throughput(bare.url);
	const ratio = appLoad.requestsPerSecond / bareLoad.requestsPerSecond;
	return {
		date: new Date().toISOString(),
		machine: { ...machine, memoryMb: Math.round(totalmem() / 2 ** 20) },
		database: process.env.DATABASE_URL ? 'postgresql' : 'pglite',
		firstLoad: {
			targetCompressedBytes: WEIGHT_TARGET,
			byLanguage: Object.fromEntries(LANGUAGES.map((l, i) => [l, firstLoads[i].weight]))
		},
		throughput: {
			settings: { ...LOAD, warmupSeconds: 3, durationSeconds: 10 },
			app: appLoad,
			bare: bareLoad,
			ratio,
			targetRatio: RATIO_TARGET,
			pass: ratio >= RATIO_TARGET
		},
		appPeakRssMb
	};
}

const verdict = (pass: boolean) => (pass ? 'PASS' : 'MISSED');
const kb = (bytes: number) => `${(bytes / 1024).toFixed(1)} KB`.padStart(9);

function report(results: Awaited<ReturnType<typeof run>>) {
	console.log('\nFirst-load weight of / (target ≤ 50 KB = 51,200 bytes compressed)');
	for (const [language, w] of Object.entries(results.firstLoad.byLanguage)) {
		console.log(`  ${language}:`);
		for (const k of ['html', 'css', 'js', 'total'] as const)
			console.log(
				`    ${k.padEnd(5)} ${w[k].files} files  raw ${kb(w[k].raw)}  sent ${kb(w[k].transferred)}  gzip ${kb(w[k].gzip)}`
			);
		const uncompressed = w.assets.filter((a) => a.encoding === 'identity');
		if (uncompressed.length)
			console.log(`    sent uncompressed: ${uncompressed.map((a) => a.path)}`);
		const sent = w.total.transferred.toLocaleString('en');
		console.log(
			`    ${verdict(w.pass)}: ${sent} bytes sent (gzip alone: ${w.total.gzip.toLocaleString('en')})`
		);
	}
	const t = results.throughput;
	console.log('\nThroughput of / (50 connections, 10 s after 3 s warm-up; target app ≥ 0.6× bare)');
	for (const name of ['app', 'bare'] as const) {
		const { requestsPerSecond, latencyP50Ms, latencyP99Ms, errors } = t[name];
		const rps = `${requestsPerSecond.toFixed(0).padStart(6)} req/s`;
		console.log(
			`  ${name.padEnd(4)}${rps}  p50 ${latencyP50Ms} ms  p99 ${latencyP99Ms} ms  errors ${errors}`
		);
	}
	console.log(`  ratio ${t.ratio.toFixed(3)}×  ${verdict(t.pass)}`);
	console.log(`  app peak RSS ${results.appPeakRssMb ?? 'n/a'} MB`);
	console.log(`  1-min load average at start: ${results.machine.loadAverage.toFixed(2)}\n`);
}

try {
	const results = await run();
	report(results);
	writeFileSync(RESULTS_FILE, JSON.stringify(results, null, '\t') + '\n');
	console.log(`Wrote ${RESULTS_FILE.pathname}`);
} finally {
	// Ctrl-C reaches the children directly (same process group); this covers errors.
	await Promise.all([...children].map(stop));
	rmSync(workDir, { recursive: true, force: true });
}
