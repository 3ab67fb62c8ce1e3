// npm run vipps:webhooks: registers Komak's webhook (ORIGIN + /webhooks/vipps) with Vipps's
// Webhooks API, or confirms it is in place, and keeps the signing secret in the database.
import { createDatabase, databaseOptionsFromEnv } from '../src/lib/server/db/connection.ts';
import { migrateToLatest } from '../src/lib/server/db/migrate.ts';
import { createVippsClient } from '../src/lib/server/vipps/client.ts';
import { vippsSettings } from '../src/lib/server/vipps/settings.ts';
import { ensureVippsWebhook, webhookPath } from '../src/lib/server/vipps/webhooks.ts';

const settings = vippsSettings();
const origin = process.env.ORIGIN;
if (!settings || !origin) {
	console.error(
		'Set ORIGIN (the public address, e.g. https://give.dawatmedia.no) and the VIPPS_* keys (and DATABASE_URL for PostgreSQL).'
	);
	process.exit(2);
}

const db = createDatabase(databaseOptionsFromEnv());
try {
	await migrateToLatest(db);
	const vipps = createVippsClient(settings);
	const check = await ensureVippsWebhook(db, vipps, new URL(webhookPath, origin).toString());
	console.log(
		check.isRegistered
			? `Registered ${check.url} with Vipps for payment and agreement events.`
			: `${check.url} is already registered with Vipps.`
	);
	if (check.removed > 0) console.log(`Removed ${check.removed} older registration(s) of ours.`);
	for (const webhook of await vipps.listWebhooks())
		console.log(`  ${webhook.id}  ${webhook.url}  (${webhook.events.length} event types)`);
} catch (error) {
	console.error(`vipps:webhooks failed: ${error instanceof Error ? error.message : String(error)}`);
	process.exitCode = 1;
} finally {
	await db.destroy();
}
