import { env } from '$env/dynamic/private';

/** Card giving is on only when a Stripe secret key is configured. */
export function isCardPaymentConfigured(): boolean {
	return Boolean(env.STRIPE_SECRET_KEY);
}
