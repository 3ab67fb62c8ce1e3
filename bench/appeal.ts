// Benchmark of the donation appeal page (`/`) as a supporter's phone meets it, and of the embedded
// default as an operator starts it. Run with `npm run bench` (builds first) or `node bench/appeal.ts`
// against an existing ./build. The app runs as in production: `node scripts/start.ts`.
//
// 1. Start: `npm start`'s two steps (the build check, the server) on a fresh PGlite directory,
//    timed to the first 200 from /healthz.
// 2. Cold first load in each language: a fresh Chromium profile at phone width, before anyone has
//    asked for the page (nothing warm on the server either); then the warm one. The same for the
//    appeal inside an article's frame (/embed/<campaign>, in the language the article names), and
//    the size of embed.js as an article's reader's browser fetches it.
// 3. Memory: resident set size of the app, sampled from its start through 1,000 page views.
// 4. Render speed: `/` with a fresh query string on every request (as every Facebook click
//    carries its own fbclid) against a static file, /robots.txt, on the same server in the same
//    run; with the page cache on (as shipped) and off.
import autocannon from 'autocannon';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import { cpus, loadavg, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { launchBrowser, measureFirstLoad, totals, type LoadedFile } from './first-load.ts';

const WEIGHT_TARGET = 20 * 1024; // body bytes of HTML + CSS + JS, as sent, on a first visit
const EMBED_SCRIPT_TARGET = 5 * 1024; // embed.js as sent, compressed
// The inline appeal as embed.js frames it in an article (a campaign that does not run shows the
// organisation's own appeal: the bench's fresh database has no campaign).
const embedPath = (language: string) =>
	`/embed/bench?lang=${language}&source=${encodeURIComponent('https://news.example.org/2026/story')}`;
const RATIO_TARGET = 0.5; // fresh-query `/` req/s divided by /robots.txt's
const P99_TARGET_MS = 50;
const STEADY_RSS_TARGET_MB = 250;
const PEAK_RSS_TARGET_MB = 400;
const START_TARGET_MS = 5000;
const PAGE_VIEWS = 1000;
const LANGUAGES = {
	en: 'en-GB,en;q=0.9',
	nb: 'nb-NO,nb;q=0.9,no;q=0.8',
	ps: 'ps-AF,ps;q=0.9',
	'fa-AF': 'fa-AF,fa;q=0.9'
} as const;
const BROWSER_ENCODINGS = 'gzip, deflate, br, zstd';
const LOAD = { connections: 20, pipelining: 1, warmupSeconds: 3, durationSeconds: 10 };
const RESULTS_FILE = new URL('./results.json', import.meta.url);
const PROJECT_DIR = fileURLToPath(new URL('..', import.meta.url)); // children run here, for build/

// Node's flags exactly as `npm start` passes them (package.json), so the bench runs what ships.
const START_FLAGS = (
	JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as {
		scripts: { start: string };
	}
).scripts.start
	.split(/\s+/)
	.filter((word) => word.startsWith('--'));

const children = new Set<ChildProcess>();
const workDir = mkdtempSync(join(tmpdir(), 'komak-bench-'));
const load = () => loadavg()[0];

function get(url: string, headers: Record<string, string> = {}) {
	return new Promise<{ status: number; body: Buffer }>((resolve, reject) =>
		http
			.get(url, { headers }, async (res) => {
				const chunks: Buffer[] = [];
				for await (const chunk of res) chunks.push(chunk);
				resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks) });
			})
			.on('error', reject)
	);
}

// Ports of their own, so that other servers on the machine are left alone (BENCH_PORT to move).
const FIRST_PORT = Number(process.env.BENCH_PORT ?? 4363);

/** Resident set size now and at its highest, in MB (Linux). */
function rssMb(pid: number | undefined): { now: number; peak: number } | null {
	try {
		const status = readFileSync(`/proc/${pid}/status`, 'utf8');
		const kb = (field: string) => Number(new RegExp(`${field}:\\s*(\\d+)`).exec(status)?.[1]);
		return { now: Math.round(kb('VmRSS') / 1024), peak: Math.round(kb('VmHWM') / 1024) };
	} catch {
		return null;
	}
}

/** CPU time the process has used so far (user + system), which other jobs' load does not move. */
function cpuMs(pid: number | undefined): number | null {
	try {
		const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
		return (Number(fields[11]) + Number(fields[12])) * 10; // clock ticks of 10 ms
	} catch {
		return null;
	}
}

/** `npm start`: the build check, then the server; resolves once /healthz answers 200. */
async function startApp(env: Record<string, string>, port: number) {
	const url = `http://localhost:${port}`;
	const started = performance.now();
	const check = spawnSync(process.execPath, ['scripts/build.ts', '--if-needed'], {
		cwd: PROJECT_DIR,
		stdio: 'ignore'
	});
	if (check.status !== 0) throw new Error('the build check failed');
	const buildCheckMs = performance.now() - started;
	const child = spawn(process.execPath, [...START_FLAGS, 'scripts/start.ts'], {
		cwd: PROJECT_DIR,
		env: { ...process.env, LOG_LEVEL: 'warn', ...env, PORT: String(port), ORIGIN: url },
		stdio: ['ignore', 'ignore', 'inherit']
	});
	children.add(child);
	for (const deadline = Date.now() + 60_000; Date.now() < deadline;) {
		if (child.exitCode !== null) throw new Error(`the app exited with ${child.exitCode}`);
		const res = await get(url + '/healthz').catch(() => null);
		if (res?.status === 200) {
			const readyMs = performance.now() - started;
			return { child, url, buildCheckMs, readyMs, cpuMs: cpuMs(child.pid) };
		}
		await new Promise((resolve) => setTimeout(resolve, 20));
	}
	throw new Error('the app was not ready within 60 s');
}

async function stop(child: ChildProcess) {
	children.delete(child);
	if (child.exitCode !== null || child.signalCode !== null) return;
	const exited = once(child, 'exit');
	child.kill('SIGTERM');
	const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
	await exited;
	clearTimeout(timer);
}

function summarise(files: LoadedFile[]) {
	const page = totals(files, ['html', 'css', 'js']);
	return {
		html: totals(files, ['html']),
		css: totals(files, ['css']),
		js: totals(files, ['js']),
		page,
		font: totals(files, ['font']),
		image: totals(files, ['image']),
		uncompressed: files
			.filter((f) => ['html', 'css', 'js'].includes(f.kind) && f.encoding === 'identity')
			.map((f) => `${new URL(f.url).pathname} (${f.body} B)`),
		pass: page.body <= WEIGHT_TARGET,
		files: files.map(({ url, ...rest }) => ({ path: new URL(url).pathname, ...rest }))
	};
}

/** embed.js's body as sent with each encoding a browser may ask for. */
async function embedScriptSizes(url: string) {
	const size = async (encoding: string) => {
		const res = await get(`${url}/embed.js`, { 'accept-encoding': encoding });
		if (res.status !== 200) throw new Error(`embed.js answered ${res.status}`);
		return res.body.length;
	};
	const br = await size('br');
	return {
		br,
		gzip: await size('gzip'),
		identity: await size('identity'),
		targetBytes: EMBED_SCRIPT_TARGET,
		pass: br <= EMBED_SCRIPT_TARGET
	};
}

/** A warm-up, then the measured run; `fresh` gives every request its own query string. */
async function throughput(url: string, fresh: boolean) {
	let n = 0;
	const options = {
		url,
		connections: LOAD.connections,
		pipelining: LOAD.pipelining,
		headers: { 'accept-language': 'en', 'accept-encoding': BROWSER_ENCODINGS },
		requests: fresh
			? [
					{
						setupRequest: (request: autocannon.Request) => ({
							...request,
							path: `/?fbclid=IwAR${Date.now().toString(36)}${(n++).toString(36)}`
						})
					}
				]
			: undefined
	};
	await autocannon({ ...options, duration: LOAD.warmupSeconds });
	const loadAtStart = load();
	const r = await autocannon({ ...options, duration: LOAD.durationSeconds });
	return {
		requestsPerSecond: r.requests.mean,
		latencyP50Ms: r.latency.p50,
		latencyP99Ms: r.latency.p99,
		requests: r.requests.total,
		errors: r.errors + r.timeouts + r.non2xx,
		loadAverage: loadAtStart
	};
}

/** robots.txt, then fresh-query `/`, then robots.txt again: the static figure is their mean. */
async function renderRatio(base: string) {
	const staticA = await throughput(`${base}/robots.txt`, false);
	const page = await throughput(`${base}/`, true);
	const staticB = await throughput(`${base}/robots.txt`, false);
	const staticRequestsPerSecond = (staticA.requestsPerSecond + staticB.requestsPerSecond) / 2;
	const ratio = page.requestsPerSecond / staticRequestsPerSecond;
	return {
		page,
		static: [staticA, staticB],
		ratio,
		pass: ratio >= RATIO_TARGET && page.latencyP99Ms < P99_TARGET_MS
	};
}

/** PAGE_VIEWS requests for `/` in the four languages, 4 at a time, each with its own click id. */
async function pageViews(base: string) {
	const languages = Object.values(LANGUAGES);
	let next = 0;
	const worker = async () => {
		for (let i = next++; i < PAGE_VIEWS; i = next++) {
			const res = await get(`${base}/?fbclid=view${i}`, {
				'accept-language': languages[i % languages.length],
				'accept-encoding': BROWSER_ENCODINGS
			});
			if (res.status !== 200) throw new Error(`page view ${i} answered ${res.status}`);
		}
	};
	await Promise.all([worker(), worker(), worker(), worker()]);
}

async function run() {
	const machine = {
		node: process.version,
		cpus: cpus().length,
		memoryMb: Math.round(totalmem() / 2 ** 20),
		loadAverage: load()
	};
	const pgliteDir = join(workDir, 'pglite');
	const env = { PGLITE_DIR: pgliteDir };
	const browser = await launchBrowser();
	try {
		// A fresh start: the embedded database is created and migrated on the way.
		const app = await startApp(env, FIRST_PORT);
		const start = {
			buildCheckMs: app.buildCheckMs,
			readyMs: app.readyMs,
			serverCpuMs: app.cpuMs,
			loadAverage: load()
		};

		const cold: Record<string, ReturnType<typeof summarise>> = {};
		const warm: Record<string, ReturnType<typeof summarise>> = {};
		for (const [language, header] of Object.entries(LANGUAGES)) {
			cold[language] = summarise(await measureFirstLoad(browser, `${app.url}/`, header));
			warm[language] = summarise(await measureFirstLoad(browser, `${app.url}/`, header));
		}
		const embedCold: Record<string, ReturnType<typeof summarise>> = {};
		for (const [language, header] of Object.entries(LANGUAGES))
			embedCold[language] = summarise(
				await measureFirstLoad(browser, `${app.url}${embedPath(language)}`, header)
			);
		const embedScript = await embedScriptSizes(app.url);

		await pageViews(app.url);
		// Let the page views' garbage settle before reading the steady figure.
		await new Promise((resolve) => setTimeout(resolve, 5000));
		const afterViews = rssMb(app.child.pid);
		const memory = {
			steadyMb: afterViews?.now ?? null,
			peakMb: afterViews?.peak ?? null,
			pass:
				afterViews !== null &&
				afterViews.now <= STEADY_RSS_TARGET_MB &&
				afterViews.peak <= PEAK_RSS_TARGET_MB
		};

		const withCache = await renderRatio(app.url);
		await stop(app.child);

		// The same database again, the page cache off: every request renders.
		const uncached = await startApp({ ...env, PAGE_CACHE_SECONDS: '0' }, FIRST_PORT + 1);
		const restart = { readyMs: uncached.readyMs, loadAverage: load() };
		const withoutCache = await renderRatio(uncached.url);
		const uncachedPeakMb = rssMb(uncached.child.pid)?.peak ?? null;
		await stop(uncached.child);

		return {
			date: new Date().toISOString(),
			machine,
			database: process.env.DATABASE_URL ? 'postgresql' : 'pglite',
			start: { ...start, pass: start.readyMs <= START_TARGET_MS, restart },
			firstLoad: { targetBytes: WEIGHT_TARGET, cold, warm, embedCold },
			embedScript,
			memory: { ...memory, uncachedRunPeakMb: uncachedPeakMb },
			render: { settings: LOAD, targetRatio: RATIO_TARGET, withCache, withoutCache }
		};
	} finally {
		await browser.close();
	}
}

const verdict = (pass: boolean) => (pass ? 'PASS' : 'MISSED');
const bytes = (n: number) => n.toLocaleString('en').padStart(7);

function report(results: Awaited<ReturnType<typeof run>>) {
	const { start, firstLoad, memory, render, embedScript } = results;
	console.log(`\nLoad average at the start: ${results.machine.loadAverage.toFixed(2)}`);
	console.log(
		`\nStart (npm start, built, fresh database; target ≤ ${START_TARGET_MS / 1000} s): ` +
			`${(start.readyMs / 1000).toFixed(2)} s (build check ${(start.buildCheckMs / 1000).toFixed(2)} s, server CPU ${((start.serverCpuMs ?? 0) / 1000).toFixed(2)} s)` +
			`  ${verdict(start.pass)}   restart on the same database: ${(start.restart.readyMs / 1000).toFixed(2)} s` +
			`  [load ${start.loadAverage.toFixed(2)}]`
	);
	console.log(
		`\nFirst load of / in Chromium, fresh profile, 390 px (body bytes sent; target ≤ ${bytes(WEIGHT_TARGET).trim()})`
	);
	console.log('            html     css      js   total  +headers   font  verdict');
	for (const [label, set] of [
		['cold', firstLoad.cold],
		['warm', firstLoad.warm],
		['embed', firstLoad.embedCold]
	] as const) {
		for (const [language, w] of Object.entries(set)) {
			console.log(
				`  ${label} ${language.padEnd(5)} ${bytes(w.html.body)} ${bytes(w.css.body)} ${bytes(w.js.body)} ` +
					`${bytes(w.page.body)} ${bytes(w.page.transferred)} ${bytes(w.font.body)}  ${verdict(w.pass)}`
			);
			if (w.uncompressed.length) console.log(`    sent uncompressed: ${w.uncompressed.join(', ')}`);
		}
	}
	console.log(`  (embed: cold first load of ${embedPath('<lang>')})`);
	console.log(
		`\nembed.js as sent (target ≤ ${bytes(EMBED_SCRIPT_TARGET).trim()} compressed): br ${embedScript.br} B, gzip ${embedScript.gzip} B, uncompressed ${embedScript.identity} B  ${verdict(embedScript.pass)}`
	);
	console.log(
		`\nMemory (RSS from a fresh start through ${PAGE_VIEWS} page views; targets steady ≤ ${STEADY_RSS_TARGET_MB} MB, peak ≤ ${PEAK_RSS_TARGET_MB} MB):` +
			` steady ${memory.steadyMb} MB, peak ${memory.peakMb} MB  ${verdict(memory.pass)}`
	);
	console.log(
		`\n/ with a fresh query string per request vs /robots.txt (${LOAD.connections} connections, ${LOAD.durationSeconds} s after ${LOAD.warmupSeconds} s; target ≥ ${RATIO_TARGET}×, p99 < ${P99_TARGET_MS} ms)`
	);
	for (const [label, r] of [
		['page cache on (as shipped)', render.withCache],
		['page cache off (every request renders)', render.withoutCache]
	] as const) {
		const line = (name: string, t: (typeof r)['page']) =>
			`    ${name.padEnd(11)} ${t.requestsPerSecond.toFixed(0).padStart(6)} req/s  p50 ${t.latencyP50Ms} ms  p99 ${t.latencyP99Ms} ms  errors ${t.errors}  [load ${t.loadAverage.toFixed(2)}]`;
		console.log(`  ${label}:`);
		console.log(line('robots.txt', r.static[0]));
		console.log(line('/?fbclid=…', r.page));
		console.log(line('robots.txt', r.static[1]));
		console.log(`    ratio ${r.ratio.toFixed(3)}×  ${verdict(r.pass)}`);
	}
	console.log(`  app peak RSS in the uncached run: ${memory.uncachedRunPeakMb} MB\n`);
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
