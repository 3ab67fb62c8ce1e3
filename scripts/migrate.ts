// npm run db:migrate — brings the database named by DATABASE_URL (or the embedded one) up to date.
import {
	createDatabase,
	databaseOptionsFromEnv,
	describeDatabase
} from '../src/lib/server/db/connection.ts';
import { migrateToLatest } from '../src/lib/server/db/migrate.ts';

const options = databaseOptionsFromEnv();
// A migration may index every gift, or wait for a starting app's: no statement timeout.
const db = createDatabase({ ...options, statementTimeoutMs: 0 });
try {
	const results = await migrateToLatest(db);
	for (const result of results) console.log(`${result.status}: ${result.migrationName}`);
	console.log(`${describeDatabase(options)} is up to date (${results.length} new migrations).`);
} catch (error) {
	console.error('Migration failed; the database is left at the last good migration.');
	console.error(error);
	process.exitCode = 1;
} finally {
	await db.destroy();
}
