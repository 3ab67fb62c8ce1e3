/**
 * Runs the Vipps fake for local demos: `npm run vipps:fake`, then start the app against it with
 * the command printed below and register its webhook with `npm run vipps:webhooks`.
 */
import { fakeCredentials, startVippsFake } from './server.ts';

const port = Number(process.env.VIPPS_FAKE_PORT ?? 12112);
const fake = await startVippsFake({ port });
const { clientId, clientSecret, subscriptionKey, merchantSerialNumber } = fakeCredentials;

console.log(`Vipps fake listening on ${fake.url}
Start the app against it with:

  VIPPS_CLIENT_ID=${clientId} VIPPS_CLIENT_SECRET=${clientSecret} \\
  VIPPS_SUBSCRIPTION_KEY=${subscriptionKey} VIPPS_MERCHANT_SERIAL_NUMBER=${merchantSerialNumber} \\
  VIPPS_API_URL=${fake.url} npm start
`);

let reported = 0;
const watch = setInterval(() => {
	for (const delivery of fake.deliveries.slice(reported)) {
		const outcome = delivery.status === 0 ? 'no answer' : `HTTP ${delivery.status}`;
		console.log(`webhook ${delivery.type} ${delivery.reference}: ${outcome}`);
	}
	reported = fake.deliveries.length;
}, 500);

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
	process.once(signal, () => {
		clearInterval(watch);
		void fake.close().then(() => process.exit(0));
	});
}
