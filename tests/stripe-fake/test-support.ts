import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import Stripe from 'stripe';

export const webhookSecret = 'whsec_test_server_spec';

/** A stand-in for the app's webhook endpoint: verifies signatures with the real SDK. */
export async function startReceiver() {
	const verifier = new Stripe('sk_test_receiver');
	const received: Stripe.Event[] = [];
	const control = { status: 200, rejected: 0 };
	const server: Server = createServer(async (req, res) => {
		const chunks: Buffer[] = [];
		for await (const chunk of req) chunks.push(chunk as Buffer);
		try {
			const signature = String(req.headers['stripe-signature']);
			const event = verifier.webhooks.constructEvent(
				Buffer.concat(chunks),
				signature,
				webhookSecret
			);
			if (control.status < 300) received.push(event);
			res.writeHead(control.status).end();
		} catch {
			control.rejected++;
			res.writeHead(400).end();
		}
	});
	await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
	const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/webhooks/stripe`;
	return { server, url, received, control };
}

/** A one-off donation of 250 NOK, as the app's appeal page would ask for it. */
export const oneOff: Stripe.Checkout.SessionCreateParams = {
	mode: 'payment',
	submit_type: 'donate',
	customer_email: 'ada@example.org',
	customer_creation: 'always',
	line_items: [
		{
			quantity: 1,
			price_data: { currency: 'nok', unit_amount: 25000, product_data: { name: 'Donation' } }
		}
	],
	metadata: { appeal: 'spring' },
	payment_intent_data: { metadata: { contribution: 'c-1' } },
	success_url: 'http://localhost:3000/thanks?session={CHECKOUT_SESSION_ID}',
	cancel_url: 'http://localhost:3000/give'
};
/** A monthly donation of 15 EUR. */
export const monthly: Stripe.Checkout.SessionCreateParams = {
	mode: 'subscription',
	customer_email: 'bo@example.org',
	line_items: [
		{
			quantity: 1,
			price_data: {
				currency: 'eur',
				unit_amount: 1500,
				recurring: { interval: 'month' },
				product_data: { name: 'Monthly donation' }
			}
		}
	],
	subscription_data: { metadata: { plan: 'p-1' } },
	success_url: 'http://localhost:3000/thanks?session={CHECKOUT_SESSION_ID}',
	cancel_url: 'http://localhost:3000/give'
};
