/**
 * Runs the Stripe fake for local demos: `node tests/stripe-fake/cli.ts`, then start the app
 * against it with the command printed below.
 */
import { startStripeFake } from './server.ts';

const port = Number(process.env.STRIPE_FAKE_PORT ?? 12111);
const webhookUrl = process.env.STRIPE_WEBHOOK_URL ?? 'http://localhost:3000/webhooks/stripe';
const webhookSecret = process.env.STRIPE_WEBHOOK_SECRET ?? 'whsec_test_fake';

const fake = await startStripeFake({ port, webhookUrl, webhookSecret });

console.log(`Stripe fake listening on ${fake.url}, sending webhooks to ${webhookUrl}
Start the app against it with:

  STRIPE_SECRET_KEY=sk_test_fake STRIPE_API_URL=${fake.url} STRIPE_WEBHOOK_SECRET=${webhookSecret} npm start
`);

// Report webhook failures as they happen, since nothing else would show them in a demo.
let reported = 0;
const watch = setInterval(() => {
	for (const delivery of fake.deliveries.slice(reported)) {
		const event = fake.events.find((e) => e.id === delivery.eventId);
		const outcome = delivery.status === 0 ? 'no answer' : `HTTP ${delivery.status}`;
		console.log(`webhook ${event?.type ?? ''} ${delivery.eventId}: ${outcome}`);
	}
	reported = fake.deliveries.length;
}, 500);

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
	process.once(signal, () => {
		clearInterval(watch);
		void fake.close().then(() => process.exit(0));
	});
}
