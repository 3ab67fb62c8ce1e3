// The Stripe side of bench/webhooks.ts, in a process of its own as Stripe is a service of its own:
// it runs the Stripe fake, makes the gifts through it with webhooks off, hands the resulting events
// to the bench over IPC, and then answers the app's API calls while the bench delivers them.
import Stripe from 'stripe';
import { startStripeFake } from '../tests/stripe-fake/server.ts';

const { apiKey, webhookSecret, origin, oneOffGifts, monthlyGifts } = JSON.parse(
	process.env.BENCH_GIFTS_OPTIONS ?? '{}'
) as {
	apiKey: string;
	webhookSecret: string;
	origin: string;
	oneOffGifts: number;
	monthlyGifts: number;
};

const fake = await startStripeFake({ apiKey, deliverWebhooks: false, webhookSecret });
const stripe = new Stripe(apiKey, {
	host: '127.0.0.1',
	port: fake.port,
	protocol: 'http',
	maxNetworkRetries: 0
});

for (let i = 0; i < oneOffGifts + monthlyGifts; i++) {
	const isMonthly = i >= oneOffGifts;
	const session = await stripe.checkout.sessions.create({
		mode: isMonthly ? 'subscription' : 'payment',
		line_items: [
			{
				quantity: 1,
				price_data: {
					currency: isMonthly ? 'eur' : 'nok',
					unit_amount: isMonthly ? 1500 : 25_000,
					product_data: { name: 'Gift' },
					...(isMonthly && { recurring: { interval: 'month' as const } })
				}
			}
		],
		customer_email: `bench${i}@example.com`,
		...(!isMonthly && { customer_creation: 'always' as const, submit_type: 'donate' as const }),
		success_url: `${origin}/thank-you?session_id={CHECKOUT_SESSION_ID}`,
		cancel_url: origin
	});
	await fake.completeCheckout(session.id);
}

process.send!({ url: fake.url, events: fake.events.map((event) => JSON.stringify(event)) });
process.once('disconnect', () => void fake.close().then(() => process.exit(0)));
