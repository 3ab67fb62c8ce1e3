// Benchmark of a bank statement import: a DNB CSV export of 10,000 transfers from payers nobody
// knows yet, read into a database that holds 20,000 supporters already, through the functions
// the import page calls, with what the page carries from the preview to the commit. Targets (issue 12): the preview in ≤ 5 s and the commit in ≤ 15 s on
// PostgreSQL, and a preview page that does not carry every row. Run by `npm run bench`, on
// PostgreSQL and on PGlite (`BENCH_ENGINES=postgres` or `=pglite` for one).
import { mkdtemp, rm } from 'node:fs/promises';
import { loadavg, tmpdir } from 'node:os';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import path from 'node:path';
import { sql, type Kysely } from 'kysely';
import { createDatabase } from '../src/lib/server/db/connection.ts';
import type { Database } from '../src/lib/server/db/schema.ts';
import { migrateToLatest } from '../src/lib/server/db/migrate.ts';
import { commitImport } from '../src/lib/server/imports/commit.ts';
import { parseContributionFilters } from '../src/lib/lists/filters.ts';
import { contributionTotals, listContributions } from '../src/lib/server/lists/contributions.ts';
import { decodeImportFile, encodeImportFile } from '../src/lib/server/imports/import-file.ts';
import { previewImport, shownPreview } from '../src/lib/server/imports/preview.ts';
import { canReachPostgres } from '../tests/postgres.ts';
import { freshDatabase } from '../tests/e2e/processes.ts';
import { dnbCsv, type Transfer } from '../tests/integration/bank-files.ts';
import { seedSupporters } from './admin-seed.ts';
import { afghanFirst, afghanLast, norwegianFirst, norwegianLast } from '../scripts/sample-names.ts';

const ROWS = Number(process.env.BENCH_IMPORT_ROWS ?? 10_000);
const KNOWN_SUPPORTERS = 20_000;
const TARGETS = { previewSeconds: 5, commitSeconds: 15 };
const engines = (process.env.BENCH_ENGINES ?? 'postgres,pglite').split(',');

/**
 * Payers of three names (two given names in a fixed order, then a family name): none of them is a
 * seeded supporter (those have two), and no two are the same person in another word order.
 */
function newPayers(count: number): string[] {
	const first = [...afghanFirst, ...norwegianFirst];
	const last = [...afghanLast, ...norwegianLast];
	const names: string[] = [];
	for (const family of last)
		for (let a = 0; a < first.length; a++)
			for (let b = a + 1; b < first.length; b++) {
				if (names.length === count) return names;
				names.push(`${first[a]} ${first[b]} ${family}`);
			}
	return names;
}

/** DNB's CSV of a month: the payer and any KID only in its text column, as DNB writes them. */
function statement(count: number): string {
	const transfers: Transfer[] = newPayers(count).map((name, i) => {
		const day = String(1 + (i % 28)).padStart(2, '0');
		const archive = `2603${day}${String(i).padStart(6, '0')}`;
		const texts = [
			`Giro ${archive} ${name.toUpperCase()}`,
			`Overføring Innland ${name} Gave til Dawat`,
			`Nettgiro Fra: ${name.toUpperCase()} Til Dawat`,
			`Straksbetaling ${name} Takk for nyhetene`
		];
		return {
			bookedOn: `2026-03-${day}`,
			amount: `${100 + (i % 50) * 50}.00`,
			payerName: name,
			message: '',
			dnbText: texts[i % texts.length],
			archiveReference: archive
		};
	});
	return dnbCsv(transfers);
}

/**
 * Meanwhile, another staff member keeps using the admin: the contributions list's first page
 * with its totals, every 100 ms, on the same process and pool, and how late the event loop runs.
 */
function staffMeanwhile(db: Kysely<Database>) {
	const { filters } = parseContributionFilters(new URLSearchParams(''));
	const loop = monitorEventLoopDelay({ resolution: 10 });
	loop.enable();
	const latencies: number[] = [];
	let running = true;
	const done = (async () => {
		while (running) {
			const started = performance.now();
			await Promise.all([listContributions(db, filters), contributionTotals(db, filters)]);
			latencies.push(performance.now() - started);
			await new Promise((resolve) => setTimeout(resolve, 100));
		}
	})();
	return async () => {
		running = false;
		await done;
		loop.disable();
		const sorted = latencies.sort((a, b) => a - b);
		const at = (q: number) =>
			Math.round(sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]);
		return {
			listPages: sorted.length,
			listP50Ms: at(0.5),
			listP95Ms: at(0.95),
			listMaxMs: Math.round(sorted[sorted.length - 1] ?? 0),
			eventLoopP99Ms: Math.round(loop.percentile(99) / 1e6),
			eventLoopMaxMs: Math.round(loop.max / 1e6)
		};
	};
}

async function seconds<T>(work: () => Promise<T>): Promise<[T, number]> {
	const started = performance.now();
	const result = await work();
	return [result, Math.round((performance.now() - started) / 10) / 100];
}

async function run(engine: string, db: Kysely<Database>) {
	await migrateToLatest(db);
	await seedSupporters(db, KNOWN_SUPPORTERS);
	// As autovacuum would have by the time staff import: the planner knows the table's size.
	await sql`analyze supporter`.execute(db);
	const content = statement(ROWS);
	const input = { format: 'bank_csv' as const, fileName: 'dnb-mars-2026.csv', content };
	const load = loadavg()[0];

	const meanwhile = staffMeanwhile(db);
	const [preview, previewSeconds] = await seconds(() => previewImport(db, input));
	// What the page carries: the rows it shows, as the action's data serialised into the HTML
	// (JSON here, which devalue's output is about the size of).
	const shown = shownPreview(preview);
	const pageData = JSON.stringify({ preview: shown, fileContent: encodeImportFile(content) });
	// What the page posts back: each shown row's choice as suggested, and the suggestions for
	// the rows it left out (the form's hidden-suggestions field).
	const choices = Object.fromEntries(shown.rows.map((row) => [row.line, row.defaultChoice]));
	const hiddenSuggestions = JSON.parse(decodeImportFile(shown.hiddenSuggestions)!);
	const [outcome, commitSeconds] = await seconds(() =>
		commitImport(db, { ...input, staffUserId: null, choices, hiddenSuggestions })
	);
	if (!outcome.ok) throw new Error(`commit refused: ${outcome.reason}`);
	const responsiveness = await meanwhile();
	const result = {
		engine,
		rows: preview.rows.length,
		previewSeconds,
		pageDataKb: Math.round(pageData.length / 1024),
		commitSeconds,
		created: outcome.createdCount,
		newSupporters: outcome.newSupporterCount,
		loadAverage: [load, loadavg()[0]].map((n) => Math.round(n * 10) / 10),
		meanwhile: responsiveness
	};
	console.log(JSON.stringify(result));
	const verdict = (value: number, target: number) => (value <= target ? 'PASS' : 'FAIL');
	console.log(
		`${engine}: preview ${previewSeconds} s (≤ ${TARGETS.previewSeconds} s: ${verdict(previewSeconds, TARGETS.previewSeconds)}), ` +
			`commit ${commitSeconds} s (≤ ${TARGETS.commitSeconds} s: ${verdict(commitSeconds, TARGETS.commitSeconds)}), ` +
			`page data ${result.pageDataKb} KB, load ${result.loadAverage.join('–')}`
	);
	console.log(
		`  meanwhile, another staff member's contributions list (${responsiveness.listPages} loads): ` +
			`p50 ${responsiveness.listP50Ms} ms, p95 ${responsiveness.listP95Ms} ms, max ${responsiveness.listMaxMs} ms; ` +
			`event loop delay p99 ${responsiveness.eventLoopP99Ms} ms, max ${responsiveness.eventLoopMaxMs} ms`
	);
}

if (engines.includes('postgres')) {
	if (await canReachPostgres()) {
		// BENCH_DATABASE keeps two runs side by side (this code and the previous) apart.
		const url = await freshDatabase(process.env.BENCH_DATABASE ?? 'komak_bench_bank_import');
		const db = createDatabase({ databaseUrl: url, poolSize: 4, statementTimeoutMs: 0 });
		try {
			await run('PostgreSQL', db);
		} finally {
			await db.destroy();
		}
	} else console.log('Bank import: PostgreSQL does not answer; skipped there.');
}

if (engines.includes('pglite')) {
	const dir = await mkdtemp(path.join(tmpdir(), 'komak-bench-import-'));
	const db = createDatabase({ pgliteDir: path.join(dir, 'pglite') });
	try {
		await run('PGlite', db);
	} finally {
		await db.destroy();
		await rm(dir, { recursive: true, force: true });
	}
}
