import { randomBytes } from 'node:crypto';

// The app refuses to start on PostgreSQL without KOMAK_SECRET_KEY. Tests use a key made for the
// run, never a real one (even if the shell has one): made once and kept in KOMAK_TEST_SECRET_KEY,
// which the processes a run starts inherit (Playwright's server and workers, the apps tests
// start), so all of them open what the app sealed.
export function testSecretKey(): string {
	process.env.KOMAK_TEST_SECRET_KEY ??= randomBytes(32).toString('base64');
	return process.env.KOMAK_TEST_SECRET_KEY;
}
