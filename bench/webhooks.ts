// Benchmark of Stripe webhook ingestion on PostgreSQL: signed events POSTed to the running app
// (node scripts/start.ts) as fast as it takes them, each event twice, in shuffled order; then a
// check that every gift was recorded exactly once. Run by `npm run bench` after bench/appeal.ts.
import { writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { fork } from 'node:child_process';
import { once } from 'node:events';
import Stripe from 'stripe';
import { canReachPostgres } from '../tests/postgres.ts';
import { freePort, freshDatabase, query, startApp } from '../tests/e2e/processes.ts';

const ONE_OFF_GIFTS = Number(process.env.BENCH_GIFTS ?? 600);
const MONTHLY_GIFTS = Math.round(ONE_OFF_GIFTS / 6);
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 8);
const TARGET_EVENTS_PER_SECOND = 500;
const TARGET_P99_MS = 50;
const secret = 'whsec_bench_webhooks';
const key = 'sk_test_bench_webhooks';

if (!(await canReachPostgres())) {
	console.log('Webhook ingestion: PostgreSQL does not answer (TEST_DATABASE_URL); skipped.');
	process.exit(0);
}

const databaseUrl = await freshDatabase('komak_bench_webhooks');
const port = await freePort();
const origin = `http://localhost:${port}`;
// The fake (Stripe) runs in its own process, so serving the app's API calls does not wait on the
// load generator's event loop, nor the other way round.
const stripeSide = fork(new URL('./webhook-gifts.ts', import.meta.url), {
	env: {
		...process.env,
		BENCH_GIFTS_OPTIONS: JSON.stringify({
			apiKey: key,
			webhookSecret: secret,
			origin,
			oneOffGifts: ONE_OFF_GIFTS,
			monthlyGifts: MONTHLY_GIFTS
		})
	}
});
const [{ url: fakeUrl, events }] = (await once(stripeSide, 'message')) as [
	{ url: string; events: string[] }
];
// Only for signing deliveries: the webhook helpers need no API.
const stripe = new Stripe(key);
const app = await startApp(
	{
		DATABASE_URL: databaseUrl,
		STRIPE_SECRET_KEY: key,
		STRIPE_API_URL: fakeUrl,
		STRIPE_WEBHOOK_SECRET: secret,
		LOG_LEVEL: 'warn'
	},
	port
);

function percentile(sorted: number[], p: number) {
	return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

try {
	// Every event twice (Stripe retries, two deliveries racing), in a shuffled order.
	const deliveries = [...events, ...events].sort(() => Math.random() - 0.5);

	const latencies: number[] = [];
	const latenciesByType = new Map<string, number[]>();
	const statuses = new Map<number, number>();
	let next = 0;
	const started = performance.now();
	await Promise.all(
		Array.from({ length: CONCURRENCY }, async () => {
			while (next < deliveries.length) {
				const payload = deliveries[next++];
				const header = stripe.webhooks.generateTestHeaderString({ payload, secret });
				const sent = performance.now();
				const response = await fetch(`${origin}/webhooks/stripe`, {
					method: 'POST',
					headers: { 'content-type': 'application/json', 'stripe-signature': header },
					body: payload
				});
				await response.arrayBuffer();
				const took = performance.now() - sent;
				latencies.push(took);
				const type = (JSON.parse(payload) as Stripe.Event).type;
				latenciesByType.set(type, [...(latenciesByType.get(type) ?? []), took]);
				statuses.set(response.status, (statuses.get(response.status) ?? 0) + 1);
			}
		})
	);
	const seconds = (performance.now() - started) / 1000;
	latencies.sort((a, b) => a - b);

	const [counts] = await query<{
		gifts: string;
		card_gifts: string;
		plans: string;
		unprocessed: string;
	}>(
		databaseUrl,
		`select (select count(*) from contribution) gifts,
			(select count(distinct external_reference) from contribution) card_gifts,
			(select count(*) from recurring_plan) plans,
			(select count(*) from stripe_event where status <> 'processed') unprocessed`
	);
	const expectedGifts = ONE_OFF_GIFTS + MONTHLY_GIFTS;
	const isExactlyOnce =
		Number(counts.gifts) === expectedGifts &&
		Number(counts.card_gifts) === expectedGifts &&
		Number(counts.plans) === MONTHLY_GIFTS &&
		Number(counts.unprocessed) === 0;
	const eventsPerSecond = deliveries.length / seconds;
	const p99 = percentile(latencies, 99);
	const results = {
		date: new Date().toISOString(),
		machine: { cpus: cpus().length, loadAverage: loadavg()[0], node: process.version },
		gifts: { oneOff: ONE_OFF_GIFTS, monthly: MONTHLY_GIFTS },
		events: events.length,
		deliveries: deliveries.length,
		concurrency: CONCURRENCY,
		seconds,
		eventsPerSecond,
		latencyMs: {
			p50: percentile(latencies, 50),
			p90: percentile(latencies, 90),
			p99,
			max: latencies.at(-1)
		},
		statuses: Object.fromEntries(statuses),
		p99ByType: Object.fromEntries(
			[...latenciesByType].map(([type, list]) => [
				type,
				Math.round(
					percentile(
						list.sort((a, b) => a - b),
						99
					)
				)
			])
		),
		database: counts,
		isExactlyOnce,
		pass: eventsPerSecond >= TARGET_EVENTS_PER_SECOND && p99 < TARGET_P99_MS && isExactlyOnce
	};
	const verdict = (ok: boolean) => (ok ? 'PASS' : 'MISSED');
	console.log(`
Webhook ingestion on PostgreSQL (${events.length} events from ${expectedGifts} gifts, each delivered twice, ${CONCURRENCY} at a time)
  ${eventsPerSecond.toFixed(0)} events/s (target ≥ ${TARGET_EVENTS_PER_SECOND}): ${verdict(eventsPerSecond >= TARGET_EVENTS_PER_SECOND)}
  latency p50 ${results.latencyMs.p50.toFixed(1)} ms, p90 ${results.latencyMs.p90.toFixed(1)} ms, p99 ${p99.toFixed(1)} ms (target < ${TARGET_P99_MS}): ${verdict(p99 < TARGET_P99_MS)}
  HTTP statuses ${JSON.stringify(results.statuses)}
  p99 by event type (ms) ${JSON.stringify(results.p99ByType)}
  exactly once: ${counts.gifts} gifts for ${expectedGifts} paid checkouts, ${counts.plans} plans, ${counts.unprocessed} events not processed: ${verdict(isExactlyOnce)}
`);
	writeFileSync(
		new URL('./webhook-results.json', import.meta.url),
		JSON.stringify(results, null, '\t') + '\n'
	);
} finally {
	await app.stop();
	stripeSide.disconnect();
}
