// npm run secrets:rotate — seals every sealed value (staff two-factor keys, supporters' tax
// numbers) again with KOMAK_SECRET_KEY, opening them with it or with a key in
// KOMAK_OLD_SECRET_KEYS, in one transaction. Afterwards the old keys can be dropped.
import {
	loadSecretKeys,
	SecretKeyError,
	type ResealCount
} from '../src/lib/server/auth/secret-box.ts';
import { resealAllSecrets } from '../src/lib/server/auth/secret-rotation.ts';
import {
	createDatabase,
	databaseOptionsFromEnv,
	describeDatabase
} from '../src/lib/server/db/connection.ts';
import { migrateToLatest } from '../src/lib/server/db/migrate.ts';
import { embeddedDatabaseInUse } from '../src/lib/server/db/pglite-lock.ts';

function fail(message: string): never {
	console.error(message);
	process.exit(1);
}

let keys;
try {
	keys = loadSecretKeys();
} catch (error) {
	if (!(error instanceof SecretKeyError)) throw error;
	fail(error.message);
}

const options = databaseOptionsFromEnv();
const inUse = embeddedDatabaseInUse(options);
if (inUse)
	fail(`${inUse}\nStop the app (Ctrl+C), run this again, then start the app with the same keys.`);

const describe = (what: string, count: ResealCount) =>
	`${what}: ${count.resealed} sealed again with the current key, ${count.unchanged} had it already` +
	(count.unreadable.length > 0
		? `, ${count.unreadable.length} open with no key given (left as they are): ${count.unreadable.join(', ')}`
		: '');

const db = createDatabase(options);
try {
	await migrateToLatest(db);
	const report = await resealAllSecrets(db, keys);
	console.log(`In ${describeDatabase(options)}:`);
	console.log(`  ${describe('staff two-factor keys', report.totpKeys)}`);
	console.log(`  ${describe("supporters' tax numbers", report.taxIdentifiers)}`);
	console.log(`  ${describe('Vipps webhook secrets', report.vippsWebhookSecrets)}`);
	const unreadable =
		report.totpKeys.unreadable.length +
		report.taxIdentifiers.unreadable.length +
		report.vippsWebhookSecrets.unreadable.length;
	if (unreadable > 0) {
		process.exitCode = 1;
		console.error(
			'Some values open with none of the keys: add the key that sealed them to KOMAK_OLD_SECRET_KEYS and run this again.'
		);
	} else if (keys.old.length > 0) {
		console.log('Everything is sealed with the current key: KOMAK_OLD_SECRET_KEYS can be removed.');
	}
} catch (error) {
	process.exitCode = 1;
	console.error('Could not seal the secrets again; nothing was changed:');
	console.error(error);
} finally {
	await db.destroy();
}
