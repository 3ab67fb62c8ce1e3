// npm run stripe:sync [-- --since 2026-11-01]: recovers Stripe events that never reached the
// webhook (an outage, a wrong secret) and handles each one not yet handled, exactly once.
import { parseArgs } from 'node:util';
import { createDatabase, databaseOptionsFromEnv, describeDatabase } from '../src/lib/server/db.ts';
import { migrateToLatest } from '../src/lib/server/migrate.ts';
import { createStripeClient } from '../src/lib/server/stripe/client.ts';
import { syncStripeEvents } from '../src/lib/server/stripe/sync.ts';

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
} finally {
	await db.destroy();
}
