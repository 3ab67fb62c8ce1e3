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
	{ databaseUrl, extraEnv = {} }: { databaseUrl?: string; extraEnv?: Record<string, string> } = {}
): Promise<CardGivingApp> {
	databaseUrl ??= await freshDatabase(database);
	const port = await freePort();
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
