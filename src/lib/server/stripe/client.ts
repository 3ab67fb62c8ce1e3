import type Stripe from 'stripe';
import { config, type Config } from '../config.ts';

// One Stripe client per process, configured from the environment (sdk.ts); without a key, card
// giving is off. The SDK is imported when a request first needs it, not at start.

let client: Promise<Stripe> | undefined;

type StripeSettings = Partial<Pick<Config, 'STRIPE_SECRET_KEY' | 'STRIPE_API_URL'>>;

export function isCardPaymentConfigured(env: StripeSettings = config()): boolean {
	return Boolean(env.STRIPE_SECRET_KEY);
}

export function getStripe(): Promise<Stripe> {
	client ??= import('./sdk.ts')
		.then(({ createStripeClient }) => createStripeClient())
		.catch((error) => {
			client = undefined; // a setting fixed later, or a passing fault, may succeed next time
			throw error;
		});
	return client;
}
