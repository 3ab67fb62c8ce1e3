// npm run stripe:sync [-- --since 2026-11-01]: recovers Stripe events that never reached the
// webhook (an outage, a wrong secret) and handles each one not yet handled, exactly once.
import { existsSync } from 'node:fs';
import { parseArgs } from 'node:util';

// The handlers write emails (a failed monthly payment) with the compiled messages in
// src/lib/paraglide, which a build or `npm run check` makes; in a fresh clone they are made here.
if (!existsSync(new URL('../src/lib/paraglide/messages.js', import.meta.url))) {
	const { compile } = await import('@inlang/paraglide-js');
	await compile({
		project: new URL('../project.inlang', import.meta.url).pathname,
		outdir: new URL('../src/lib/paraglide', import.meta.url).pathname,
		strategy: ['cookie', 'custom-pageLanguage', 'preferredLanguage', 'baseLocale']
	});
}
const { createDatabase, databaseOptionsFromEnv, describeDatabase } =
	await import('../src/lib/server/db/connection.ts');
const { migrateToLatest } = await import('../src/lib/server/db/migrate.ts');
const { createStripeClient } = await import('../src/lib/server/stripe/sdk.ts');
const { syncStripeEvents } = await import('../src/lib/server/stripe/sync.ts');

const { values } = parseArgs({ options: { since: { type: 'string' } } });
const since = values.since ? new Date(values.since) : undefined;
if (since && Number.isNaN(since.getTime())) {
	console.error(`--since ${values.since} is not a date (use e.g. 2026-11-01)`);
	process.exit(2);
}

if (!process.env.STRIPE_SECRET_KEY) {
	console.error('Set STRIPE_SECRET_KEY (and DATABASE_URL for PostgreSQL) to sync from Stripe.');
	process.exit(2);
}

const options = databaseOptionsFromEnv();
const db = createDatabase(options);
try {
	await migrateToLatest(db);
	const report = await syncStripeEvents(db, createStripeClient(), { since });
	console.log(`Stripe events since ${report.since.toISOString()} (${describeDatabase(options)}):
  listed by Stripe:      ${report.listed}
  already handled:       ${report.alreadyHandled}
  handled now:           ${report.handled}
  failed:                ${report.failed.length}`);
	for (const failure of report.failed)
		console.log(`    ${failure.id} ${failure.type}: ${failure.error}`);
	if (report.failed.length > 0) process.exitCode = 1;
} catch (error) {
	// Stripe unreachable, a wrong key, the database away: one line that says which, not a stack.
	const message = error instanceof Error ? error.message : String(error);
	console.error(`stripe:sync stopped before finishing: ${message}`);
	console.error('Nothing was lost: events already handled stay handled; run it again.');
	process.exitCode = 1;
} finally {
	await db.destroy();
}
