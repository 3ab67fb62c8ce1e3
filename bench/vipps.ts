// Benchmarks of Vipps MobilePay on PostgreSQL, run by `npm run bench` after bench/webhooks.ts:
// 1. webhook ingestion: signed ePayment events POSTed to the running app (node scripts/start.ts)
//    as fast as it takes them, each event twice, in shuffled order; then a check that every gift
//    was recorded exactly once. The webhook stores each event and answers; the app's event worker
//    meanwhile asks the fake for each payment and captures it, as it would ask Vipps, so the
//    bench also waits for every event to be applied and says how long that took.
// 2. the monthly-charge scheduler: 10,000 active agreements whose next charge is due in three
//    days; a fresh instance creates each month's charge once, paced under the Recurring API's
//    published 500 requests a minute, which the fake enforces (HTTP 429). Both the fake's limit
//    and the scheduler's pace are multiplied by BENCH_VIPPS_TIME_SCALE (10), i.e. the clock runs
//    that much faster; the real run takes that many times longer.
import { readFileSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import { cpus, loadavg } from 'node:os';
import { fork, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { canReachPostgres } from '../tests/postgres.ts';
import { freePort, freshDatabase, query, startApp } from '../tests/e2e/processes.ts';
import { fakeCredentials } from '../tests/vipps-fake/server.ts';
import { signedHeaders } from '../tests/vipps-fake/signing.ts';

const GIFTS = Number(process.env.BENCH_VIPPS_GIFTS ?? 600);
const AGREEMENTS = Number(process.env.BENCH_VIPPS_AGREEMENTS ?? 10_000);
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 8);
/** Deliveries between two rounds of the reference's requests. */
const CHUNK = 200;
const TIME_SCALE = Number(process.env.BENCH_VIPPS_TIME_SCALE ?? 10);
const TARGET_EVENTS_PER_SECOND = 500;
const TARGET_P99_MS = 50;
/** Vipps's published Recurring API limit, and the scheduler's default pace under it. */
const VIPPS_REQUESTS_PER_MINUTE = 500;
const SCHEDULER_CHARGES_PER_MINUTE = 450;
/** Charges are made up to 5 days ahead and must be 2 days ahead: 3 days to make them in. */
const WINDOW_MINUTES = 3 * 24 * 60;

if (!(await canReachPostgres())) {
	console.log('Vipps benchmarks: PostgreSQL does not answer (TEST_DATABASE_URL); skipped.');
	process.exit(0);
}

const databaseUrl = await freshDatabase('komak_bench_vipps');
const vippsSide = fork(new URL('./vipps-side.ts', import.meta.url));
const [{ url: fakeUrl }] = (await once(vippsSide, 'message')) as [{ url: string }];
const ask = async <T>(child: ChildProcess, message: object): Promise<T> => {
	child.send(message);
	const [answer] = await once(child, 'message');
	return answer as T;
};
const appEnv = (extra: Record<string, string> = {}) => ({
	DATABASE_URL: databaseUrl,
	VIPPS_CLIENT_ID: fakeCredentials.clientId,
	VIPPS_CLIENT_SECRET: fakeCredentials.clientSecret,
	VIPPS_SUBSCRIPTION_KEY: fakeCredentials.subscriptionKey,
	VIPPS_MERCHANT_SERIAL_NUMBER: fakeCredentials.merchantSerialNumber,
	VIPPS_API_URL: fakeUrl,
	LOG_LEVEL: 'warn',
	// e.g. BENCH_APP_NODE_OPTIONS='--cpu-prof --cpu-prof-dir=/tmp/prof' to profile the app
	...(process.env.BENCH_APP_NODE_OPTIONS && { NODE_OPTIONS: process.env.BENCH_APP_NODE_OPTIONS }),
	...extra
});
const percentile = (sorted: number[], p: number) =>
	sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
const verdict = (ok: boolean) => (ok ? 'PASS' : 'MISSED');
// CPU time is what each side costs whatever else the machine is doing (see bench/webhooks.ts):
// wall-clock figures on a shared 2-core machine move with its load, CPU ms per delivery barely do.
const ticksPerSecond = 100; // USER_HZ on Linux
function cpuMsOf(pid: number): number {
	try {
		const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
		return ((Number(fields[11]) + Number(fields[12])) * 1000) / ticksPerSecond;
	} catch {
		return 0; // not Linux, or the process is gone
	}
}
async function postgresCpuMs(): Promise<number> {
	const rows = await query<{ pid: number }>(
		databaseUrl,
		'select pid from pg_stat_activity where datname = current_database() and pid <> pg_backend_pid()'
	);
	return rows.reduce((sum, { pid }) => sum + cpuMsOf(pid), 0);
}
const machine = () => ({ cpus: cpus().length, loadAverage: loadavg(), node: process.version });

async function benchWebhooks() {
	const port = await freePort();
	const app = await startApp(appEnv(), port);
	try {
		const references = Array.from({ length: GIFTS }, (_, i) => `bench-gift-${i + 1000}`);
		// The app's own records of the payments it started on the appeal.
		await query(
			databaseUrl,
			`insert into vipps_payment (reference, kind, currency, amount_minor, email)
			 select r, 'one_off', 'NOK', 25000, r || '@example.org' from unnest($1::text[]) r`,
			[references]
		);
		const { events, webhooks } = await ask<{
			events: { type: string; body: unknown }[];
			webhooks: { url: string; secret: string }[];
		}>(vippsSide, { references });
		const webhook = webhooks.find((w) => w.url.startsWith(app.url))!;
		const target = `${app.url}/webhooks/vipps`;
		const deliveries = [...events, ...events].sort(() => Math.random() - 0.5);
		// Signed before the clock starts (well inside the 5-minute tolerance).
		const signed = deliveries.map(({ body }) => {
			const payload = JSON.stringify(body);
			return { payload, headers: signedHeaders(webhook.url, webhook.secret, payload) };
		});
		const agent = new http.Agent({ keepAlive: true, maxSockets: CONCURRENCY });
		const post = ({ payload, headers }: (typeof signed)[number]) =>
			new Promise<number>((resolve, reject) => {
				const request = http.request(
					target,
					{
						method: 'POST',
						agent,
						headers: { ...headers, 'content-length': Buffer.byteLength(payload) }
					},
					(response) => {
						response.resume();
						response.on('end', () => resolve(response.statusCode ?? 0));
					}
				);
				request.on('error', reject);
				request.end(payload);
			});
		// The reference: GET /healthz (the same hooks and one database round trip) at the same
		// concurrency. The machine is shared and its load moves by the second, so the deliveries go
		// in chunks, each right after as many health checks: both see the same machine, and the
		// webhook's rate is also given as a ratio to the reference's.
		const healthz = () =>
			new Promise<number>((resolve, reject) => {
				http
					.get(`${app.url}/healthz`, { agent }, (response) => {
						response.resume();
						response.on('end', () => resolve(response.statusCode ?? 0));
					})
					.on('error', reject);
			});
		const latencies: number[] = [];
		const referenceLatencies: number[] = [];
		const statuses = new Map<number, number>();
		let deliverySeconds = 0;
		let referenceSeconds = 0;
		/** `count` requests, CONCURRENCY at a time; how long they took, in seconds. */
		const timed = async (count: number, request: () => Promise<number>, into: number[]) => {
			let sent = 0;
			const chunkStarted = performance.now();
			await Promise.all(
				Array.from({ length: CONCURRENCY }, async () => {
					while (sent++ < count) {
						const at = performance.now();
						const status = await request();
						into.push(performance.now() - at);
						if (into === latencies) statuses.set(status, (statuses.get(status) ?? 0) + 1);
					}
				})
			);
			return (performance.now() - chunkStarted) / 1000;
		};
		const loadBefore = loadavg()[0];
		const cpuBefore = {
			app: cpuMsOf(app.app.pid!),
			vipps: cpuMsOf(vippsSide.pid!),
			postgres: await postgresCpuMs(),
			bench: process.cpuUsage()
		};
		const started = performance.now();
		// The CPU the health checks cost, left out of the per-delivery figures below.
		const referenceCpu = { app: 0, postgres: 0 };
		for (let from = 0; from < signed.length; from += CHUNK) {
			const chunk = signed.slice(from, from + CHUNK);
			const cpuAt = { app: cpuMsOf(app.app.pid!), postgres: await postgresCpuMs() };
			referenceSeconds += await timed(chunk.length, healthz, referenceLatencies);
			referenceCpu.app += cpuMsOf(app.app.pid!) - cpuAt.app;
			referenceCpu.postgres += (await postgresCpuMs()) - cpuAt.postgres;
			let inChunk = 0;
			deliverySeconds += await timed(chunk.length, () => post(chunk[inChunk++]), latencies);
		}
		const seconds = deliverySeconds;
		// The app's CPU while deliveries came (the worker applying meanwhile included), and after.
		const appCpuAtLastDelivery = cpuMsOf(app.app.pid!);
		const unappliedAtLastDelivery = Number(
			(
				await query<{ n: string }>(
					databaseUrl,
					`select count(*) n from vipps_event where status <> 'processed'`
				)
			)[0].n
		);
		// The worker applies the stored events as they come; the bench waits for the last one.
		const countsNow = async () =>
			(
				await query<{ gifts: string; references: string; unprocessed: string }>(
					databaseUrl,
					`select (select count(*) from contribution) gifts,
						(select count(distinct external_reference) from contribution) "references",
						(select count(*) from vipps_event where status <> 'processed') unprocessed`
				)
			)[0];
		let counts = await countsNow();
		const applyDeadline = performance.now() + 120_000;
		while (Number(counts.unprocessed) > 0 && performance.now() < applyDeadline) {
			await new Promise((resolve) => setTimeout(resolve, 50));
			counts = await countsNow();
		}
		const appliedSeconds = (performance.now() - started) / 1000;
		const perDelivery = (ms: number) => Math.round((ms / deliveries.length) * 1000) / 1000;
		const benchCpu = process.cpuUsage(cpuBefore.bench);
		const appCpuAfter = cpuMsOf(app.app.pid!);
		const cpuMsPerDelivery = {
			app: perDelivery(appCpuAfter - cpuBefore.app - referenceCpu.app),
			appWhileDelivering: perDelivery(appCpuAtLastDelivery - cpuBefore.app - referenceCpu.app),
			appAfterwards: perDelivery(appCpuAfter - appCpuAtLastDelivery),
			vippsFake: perDelivery(cpuMsOf(vippsSide.pid!) - cpuBefore.vipps),
			// Backends that lived through the run; one that closed meanwhile is not counted.
			postgres: perDelivery((await postgresCpuMs()) - cpuBefore.postgres - referenceCpu.postgres),
			loadGenerator: perDelivery((benchCpu.user + benchCpu.system) / 1000),
			// What one health check cost the app and PostgreSQL, for comparison.
			referenceApp: perDelivery(referenceCpu.app),
			referencePostgres: perDelivery(referenceCpu.postgres)
		};
		agent.destroy();
		latencies.sort((a, b) => a - b);
		referenceLatencies.sort((a, b) => a - b);
		const referencePerSecond = signed.length / referenceSeconds;
		const isExactlyOnce =
			Number(counts.gifts) === GIFTS &&
			Number(counts.references) === GIFTS &&
			Number(counts.unprocessed) === 0;
		const eventsPerSecond = deliveries.length / seconds;
		const p99 = percentile(latencies, 99);
		return {
			gifts: GIFTS,
			events: events.length,
			deliveries: deliveries.length,
			concurrency: CONCURRENCY,
			loadAverageBefore: loadBefore,
			seconds,
			eventsPerSecond,
			appliedSeconds,
			unappliedAtLastDelivery,
			latencyMs: {
				p50: percentile(latencies, 50),
				p90: percentile(latencies, 90),
				p99,
				max: latencies.at(-1)
			},
			statuses: Object.fromEntries(statuses),
			reference: {
				perSecond: referencePerSecond,
				p50: percentile(referenceLatencies, 50),
				p99: percentile(referenceLatencies, 99)
			},
			ratioToReference: eventsPerSecond / referencePerSecond,
			cpuMsPerDelivery,
			database: counts,
			isExactlyOnce,
			pass: eventsPerSecond >= TARGET_EVENTS_PER_SECOND && p99 < TARGET_P99_MS && isExactlyOnce
		};
	} finally {
		await app.stop();
	}
}

async function benchScheduler() {
	const externalIds = Array.from({ length: AGREEMENTS }, (_, i) => `bench-monthly-${i + 10000}`);
	const seedStarted = performance.now();
	const { agreementIds } = await ask<{ agreementIds: string[] }>(vippsSide, {
		agreements: externalIds,
		limit: VIPPS_REQUESTS_PER_MINUTE * TIME_SCALE
	});
	const inThreeDays = new Date(Date.now() + 3 * 86_400_000).toISOString().slice(0, 10);
	await query(
		databaseUrl,
		`insert into vipps_agreement
			(reference, agreement_id, currency, amount_minor, email, status, next_charge_on, charge_day)
		 select r, a, 'NOK', 15000, r || '@example.org', 'ACTIVE', $3::text, extract(day from $3::date)
		 from unnest($1::text[], $2::text[]) as t(r, a)`,
		[externalIds, agreementIds, inThreeDays]
	);
	const seedSeconds = (performance.now() - seedStarted) / 1000;
	const loadBefore = loadavg()[0];
	const started = performance.now();
	// The scheduler runs as each instance starts, and then every hour.
	const app = await startApp(
		appEnv({ VIPPS_CHARGES_PER_MINUTE: String(SCHEDULER_CHARGES_PER_MINUTE * TIME_SCALE) })
	);
	let charges = 0;
	try {
		// Twice the paced time, and at least a minute, from when the instance answers.
		const pacedMs = (AGREEMENTS / SCHEDULER_CHARGES_PER_MINUTE / TIME_SCALE) * 60_000;
		const deadline = performance.now() + Math.max(60_000, 2 * pacedMs);
		while (performance.now() < deadline) {
			[{ charges }] = (
				await query<{ charges: number }>(
					databaseUrl,
					'select count(*)::int charges from vipps_charge'
				)
			).map((row) => ({ charges: Number(row.charges) }));
			if (charges >= AGREEMENTS) break;
			await new Promise((resolve) => setTimeout(resolve, 250));
		}
	} finally {
		await app.stop();
	}
	const seconds = (performance.now() - started) / 1000;
	const [counted] = await query<{ charges: string }>(
		databaseUrl,
		'select count(*) charges from vipps_charge'
	);
	charges = Number(counted.charges);
	const atVipps = await ask<{
		recurringCharges: number;
		agreementsCharged: number;
		rateLimited: number;
	}>(vippsSide, { charges: true });
	const [moved] = await query<{ moved: string }>(
		databaseUrl,
		`select count(*) moved from vipps_agreement where next_charge_on > $1`,
		[inThreeDays]
	);
	const isExactlyOnce =
		charges === AGREEMENTS &&
		atVipps.recurringCharges === AGREEMENTS &&
		atVipps.agreementsCharged === AGREEMENTS &&
		Number(moved.moved) === AGREEMENTS;
	// At the real pace the run takes AGREEMENTS / pace minutes, unless the machine cannot keep up
	// with that pace (it then takes what this run took, unscaled).
	const realMinutes = Math.max(AGREEMENTS / SCHEDULER_CHARGES_PER_MINUTE, seconds / 60);
	return {
		agreements: AGREEMENTS,
		timeScale: TIME_SCALE,
		seedSeconds,
		loadAverageBefore: loadBefore,
		seconds,
		chargesPerMinute: (charges / seconds) * 60,
		realMinutes,
		windowMinutes: WINDOW_MINUTES,
		chargesInKomak: charges,
		...atVipps,
		isExactlyOnce,
		pass: isExactlyOnce && atVipps.rateLimited === 0 && realMinutes < WINDOW_MINUTES
	};
}

try {
	const webhooks = await benchWebhooks();
	console.log(`
Vipps webhook ingestion on PostgreSQL (${webhooks.events} events from ${GIFTS} gifts, each delivered twice, ${CONCURRENCY} at a time; load ${webhooks.loadAverageBefore.toFixed(1)} on ${cpus().length} cores)
  ${webhooks.eventsPerSecond.toFixed(0)} events/s (target ≥ ${TARGET_EVENTS_PER_SECOND}): ${verdict(webhooks.eventsPerSecond >= TARGET_EVENTS_PER_SECOND)}
  latency p50 ${webhooks.latencyMs.p50.toFixed(1)} ms, p90 ${webhooks.latencyMs.p90.toFixed(1)} ms, p99 ${webhooks.latencyMs.p99.toFixed(1)} ms (target < ${TARGET_P99_MS}): ${verdict(webhooks.latencyMs.p99 < TARGET_P99_MS)}
  reference, GET /healthz interleaved in chunks of ${CHUNK}: ${webhooks.reference.perSecond.toFixed(0)} req/s, p50 ${webhooks.reference.p50.toFixed(1)} ms, p99 ${webhooks.reference.p99.toFixed(1)} ms; webhook/reference ratio ${webhooks.ratioToReference.toFixed(2)}
  HTTP statuses ${JSON.stringify(webhooks.statuses)}
  CPU ms per delivery ${JSON.stringify(webhooks.cpuMsPerDelivery)}
  all ${webhooks.events} events applied (asked of Vipps, captured, recorded) ${webhooks.appliedSeconds.toFixed(1)} s after the first delivery (the last answered at ${webhooks.seconds.toFixed(1)} s, ${webhooks.unappliedAtLastDelivery} then still to apply)
  exactly once: ${webhooks.database.gifts} gifts for ${GIFTS} payments, ${webhooks.database.unprocessed} events not processed: ${verdict(webhooks.isExactlyOnce)}`);
	// BENCH_VIPPS_ONLY=webhooks leaves the scheduler out (a shorter run while profiling).
	const scheduler = process.env.BENCH_VIPPS_ONLY === 'webhooks' ? null : await benchScheduler();
	if (scheduler)
		console.log(`
Vipps monthly charges (${AGREEMENTS} agreements, clock ×${TIME_SCALE}; load ${scheduler.loadAverageBefore.toFixed(1)})
  ${scheduler.chargesInKomak} charges in ${scheduler.seconds.toFixed(1)} s (${scheduler.chargesPerMinute.toFixed(0)}/min with the pace ×${TIME_SCALE}; at the real ${SCHEDULER_CHARGES_PER_MINUTE}/min, ${scheduler.realMinutes.toFixed(1)} minutes of a ${WINDOW_MINUTES}-minute window): ${verdict(scheduler.realMinutes < WINDOW_MINUTES)}
  rate limit (${VIPPS_REQUESTS_PER_MINUTE}/min ×${TIME_SCALE}): ${scheduler.rateLimited} requests refused with 429: ${verdict(scheduler.rateLimited === 0)}
  exactly once: ${scheduler.recurringCharges} charges at Vipps for ${scheduler.agreementsCharged} agreements: ${verdict(scheduler.isExactlyOnce)}
`);
	writeFileSync(
		new URL('./vipps-results.json', import.meta.url),
		JSON.stringify(
			{ date: new Date().toISOString(), machine: machine(), webhooks, scheduler },
			null,
			'\t'
		) + '\n'
	);
} finally {
	vippsSide.disconnect();
}
