import { defineConfig, devices } from '@playwright/test';
import { chromiumLaunchOptions } from './tests/chromium.ts';
import { testSecretKey } from './tests/secret-key.ts';

// Browser tests drive Debian's Chromium (never a downloaded browser) against the built app,
// served on a fresh database: real PostgreSQL when it answers, else embedded PGlite.
const port = Number(process.env.E2E_PORT ?? 4173);
// Set before Playwright starts the server and the workers, which inherit it.
process.env.KOMAK_SECRET_KEY = testSecretKey();
const baseURL = `http://localhost:${port}`;

export default defineConfig({
	testDir: 'tests/e2e',
	fullyParallel: true,
	workers: process.env.CI ? 2 : undefined,
	retries: 0,
	forbidOnly: Boolean(process.env.CI),
	reporter: process.env.CI ? [['list']] : [['list']],
	timeout: 30_000,
	use: {
		baseURL,
		trace: 'retain-on-failure',
		launchOptions: chromiumLaunchOptions
	},
	projects: [{ name: 'chromium', use: { ...devices['Desktop Chrome'], channel: undefined } }],
	webServer: {
		command: 'node tests/e2e/serve.ts',
		url: `${baseURL}/healthz`,
		reuseExistingServer: false,
		timeout: 60_000,
		stdout: 'ignore',
		stderr: 'pipe',
		env: { PORT: String(port), ORIGIN: baseURL, LOG_LEVEL: 'warn' }
	}
});
