// npm run vipps:sync: applies every webhook event stored and not yet applied, then asks Vipps about
// every payment the appeal started that has no final word yet (webhooks missed during an outage, a
// wrong address) and records each gift exactly once.
import {
	createDatabase,
	databaseOptionsFromEnv,
	describeDatabase
} from '../src/lib/server/db/connection.ts';
import { migrateToLatest } from '../src/lib/server/db/migrate.ts';
import { createVippsClient } from '../src/lib/server/vipps/client.ts';
import { vippsSettings } from '../src/lib/server/vipps/settings.ts';
import { syncVippsPayments } from '../src/lib/server/vipps/sync.ts';

const settings = vippsSettings();
if (!settings) {
	console.error(
		'Set VIPPS_CLIENT_ID, VIPPS_CLIENT_SECRET, VIPPS_SUBSCRIPTION_KEY and VIPPS_MERCHANT_SERIAL_NUMBER (and DATABASE_URL for PostgreSQL) to sync from Vipps.'
	);
	process.exit(2);
}

const options = databaseOptionsFromEnv();
const db = createDatabase(options);
try {
	await migrateToLatest(db);
	const report = await syncVippsPayments(db, createVippsClient(settings));
	console.log(`Vipps payments without a final word (${describeDatabase(options)}):
  stored events applied: ${report.events}
  asked Vipps about:     ${report.checked}
  gifts recorded now:    ${report.recorded}
  ended without money:   ${report.closed}
  still waiting:         ${report.stillOpen}
  monthly agreements:    ${report.agreements}
  failed:                ${report.failed.length}`);
	for (const failure of report.failed) console.log(`    ${failure.reference}: ${failure.error}`);
	if (report.failed.length > 0) process.exitCode = 1;
} catch (error) {
	const message = error instanceof Error ? error.message : String(error);
	console.error(`vipps:sync stopped before finishing: ${message}`);
	console.error('Nothing was lost: gifts already recorded stay recorded once; run it again.');
	process.exitCode = 1;
} finally {
	await db.destroy();
}
