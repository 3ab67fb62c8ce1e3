// Starts the built app for the browser tests on a fresh database.
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { testSecretKey } from '../secret-key.ts';
import { adminUrl, canReachPostgres, e2eDatabaseName, e2eDatabaseUrl } from './database.ts';

if (await canReachPostgres()) {
	const admin = new pg.Client({ connectionString: adminUrl });
	await admin.connect();
	await admin.query(`drop database if exists ${e2eDatabaseName} with (force)`);
	await admin.query(`create database ${e2eDatabaseName}`);
	await admin.end();
	process.env.DATABASE_URL = e2eDatabaseUrl();
} else {
	if (process.env.CI) throw new Error(`PostgreSQL at ${new URL(adminUrl).host} does not answer`);
	delete process.env.DATABASE_URL;
	process.env.PGLITE_DIR = await mkdtemp(path.join(tmpdir(), 'komak-e2e-'));
}
process.env.KOMAK_SECRET_KEY = testSecretKey();
// Card giving stays off: these tests cover the appeal as it is without Stripe.
delete process.env.STRIPE_SECRET_KEY;

await import(path.resolve('scripts/start.ts'));
