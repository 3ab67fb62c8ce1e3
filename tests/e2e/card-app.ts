import { test } from '@playwright/test';
import { startStripeFake, type StripeFake } from '../stripe-fake/server.ts';
import { freePort, freshDatabase, startApp, type AppProcess } from './processes.ts';

// Komak with card giving on, against the Stripe fake: the app's port is chosen first so that
// the fake knows where to deliver webhooks.

export const webhookSecret = 'whsec_test_komak_e2e';
export const stripeKey = 'sk_test_komak_e2e';

export interface CardGivingApp {
	app: AppProcess;
	fake: StripeFake;
	databaseUrl: string;
	stop(): Promise<void>;
}

export async function startCardGivingApp(
	database: string,
	{
		databaseUrl,
		extraEnv = {},
		port
	}: { databaseUrl?: string; extraEnv?: Record<string, string>; port?: number } = {}
): Promise<CardGivingApp> {
	databaseUrl ??= await freshDatabase(database);
	port ??= await freePort();
	const fake = await startStripeFake({
		apiKey: stripeKey,
		webhookUrl: `http://localhost:${port}/webhooks/stripe`,
		webhookSecret
	});
	const app = await startApp(
		{
			DATABASE_URL: databaseUrl,
			STRIPE_SECRET_KEY: stripeKey,
			STRIPE_API_URL: fake.url,
			STRIPE_WEBHOOK_SECRET: webhookSecret,
			...extraEnv
		},
		port
	);
	return {
		app,
		fake,
		databaseUrl,
		async stop() {
			await app.stop();
			await fake.close();
		}
	};
}

/** Starts one card-giving app for the enclosing `describe` and stops it afterwards. */
export function useCardGivingApp(database: string): () => CardGivingApp {
	let card: CardGivingApp | undefined;
	test.beforeAll(async () => {
		card = await startCardGivingApp(database);
	});
	test.afterAll(async () => {
		await card?.stop();
	});
	return () => card!;
}

/**
 * Submits the appeal's form as a script would (SvelteKit's action protocol, no browser) and
 * returns the action's result: a redirect to the checkout page, or a failure.
 */
export async function submitGift(card: CardGivingApp, fields: Record<string, string>) {
	const response = await fetch(`${card.app.url}/?/give`, {
		method: 'POST',
		headers: { origin: card.app.url, 'x-sveltekit-action': 'true' },
		body: new URLSearchParams({
			frequency: 'one_off',
			currency: 'NOK',
			amount_NOK: '100',
			name: 'Test Giver',
			...fields
		})
	});
	return (await response.json()) as { type: string; status?: number; location?: string };
}
