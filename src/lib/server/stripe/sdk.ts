import Stripe from 'stripe';
import { storableJson } from '../../storable-text.ts';
import { config, type Config } from '../config.ts';

// The Stripe SDK itself, configured from the environment. STRIPE_API_URL points the official SDK
// at another host (a local fake in tests and demos). Loaded by the server only when a request
// first talks to Stripe (client.ts): the SDK is ~18 MB of the process's memory, which a server
// that only shows the appeal never needs.

type StripeSettings = Partial<Pick<Config, 'STRIPE_SECRET_KEY' | 'STRIPE_API_URL'>>;

export function createStripeClient(env: StripeSettings = config()): Stripe {
	const key = env.STRIPE_SECRET_KEY;
	if (!key) throw new Error('STRIPE_SECRET_KEY is not set: card giving is off');
	const apiUrl = env.STRIPE_API_URL ? new URL(env.STRIPE_API_URL) : undefined;
	return new Stripe(key, {
		// Retries are safe: every write carries an idempotency key.
		maxNetworkRetries: apiUrl ? 0 : 2,
		timeout: 20_000,
		appInfo: { name: 'Komak' },
		httpClient: storableResponses(Stripe.createNodeHttpClient()),
		...(apiUrl && {
			host: apiUrl.hostname,
			port: Number(apiUrl.port || (apiUrl.protocol === 'https:' ? 443 : 80)),
			protocol: apiUrl.protocol.replace(':', '') as 'http' | 'https'
		})
	});
}

type HttpClient = ReturnType<typeof Stripe.createNodeHttpClient>;

// Whatever a supporter typed at Stripe (a name, a cancellation comment) comes back in Stripe's
// answers; cleaning them as they arrive means no handler can meet a NUL it cannot store.
function storableResponses(client: HttpClient): HttpClient {
	return Object.assign(Object.create(client) as HttpClient, {
		async makeRequest(...args: Parameters<HttpClient['makeRequest']>) {
			const response = await client.makeRequest(...args);
			return Object.assign(Object.create(response) as typeof response, {
				toJSON: async () => storableJson(await response.toJSON())
			});
		}
	});
}
