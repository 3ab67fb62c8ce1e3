import { sveltekit } from '@sveltejs/kit/vite';
import { paraglideVitePlugin } from '@inlang/paraglide-js';
import { defineConfig } from 'vitest/config';

export default defineConfig({
	plugins: [
		paraglideVitePlugin({
			project: './project.inlang',
			outdir: './src/lib/paraglide',
			// In the browser, the page's own lang attribute (set by the server) decides; see hooks.client.ts.
			strategy: ['cookie', 'custom-pageLanguage', 'preferredLanguage', 'baseLocale']
		}),
		sveltekit()
	],
	test: {
		expect: { requireAssertions: true },
		projects: [
			{
				extends: './vite.config.ts',
				test: {
					name: 'unit',
					environment: 'node',
					include: ['src/**/*.{test,spec}.{js,ts}']
				}
			},
			{
				extends: './vite.config.ts',
				test: {
					name: 'integration',
					environment: 'node',
					include: [
						'tests/integration/**/*.test.ts',
						'tests/stripe-fake/**/*.test.ts',
						'tests/vipps-fake/**/*.test.ts'
					],
					fileParallelism: false,
					testTimeout: 90_000,
					hookTimeout: 60_000
				}
			}
		]
	}
});
