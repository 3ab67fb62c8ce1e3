import adapter from '@sveltejs/adapter-node';
import { vitePreprocess } from '@sveltejs/vite-plugin-svelte';

/** @type {import('@sveltejs/kit').Config} */
const config = {
	preprocess: vitePreprocess(),
	kit: {
		adapter: adapter({ precompress: true }),
		// Hashes rather than nonces: the appeal page's HTML is then the same for every visitor.
		csp: {
			mode: 'hash',
			directives: {
				'default-src': ['self'],
				'script-src': ['self'],
				// SvelteKit's route announcer (it tells screen readers the new page's title after a
				// link is followed) is hidden by this one inline style; nothing else inline is allowed.
				'style-src': [
					'self',
					'unsafe-hashes',
					'sha256-S8qMpvofolR8Mpjy4kQvEm7m1q8clzU4dfDH0AmvZjo='
				],
				'img-src': ['self', 'data:'],
				'font-src': ['self'],
				'connect-src': ['self'],
				// Checkout for gifts, the customer portal for a monthly giver's card (/my), and
				// Vipps's landing page (its address differs between production and test).
				'form-action': [
					'self',
					'https://checkout.stripe.com',
					'https://billing.stripe.com',
					'https://*.vipps.no'
				],
				'frame-ancestors': ['none'],
				'base-uri': ['self'],
				'object-src': ['none']
			}
		},
		csrf: { trustedOrigins: [] },
		// The server tells the browser which page a link leads to, so supporters' phones are not
		// sent the whole route list (every admin page included) with the appeal.
		router: { resolution: 'server' },
		typescript: {
			// Type-check the scripts, migrations and benchmark that run on Node directly, too.
			config: (tsconfig) => {
				tsconfig.include.push(
					'../scripts/**/*.ts',
					'../migrations/**/*.ts',
					'../bench/**/*.ts',
					'../playwright.config.ts'
				);
			}
		}
	}
};

export default config;
