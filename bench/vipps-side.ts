// The Vipps side of bench/vipps.ts, in a process of its own as Vipps is a service of its own: it
// runs the Vipps fake with webhooks off, makes the one-off gifts through its ePayment API (each
// approved in the "app"), hands the resulting events and the app's webhook secret to the bench
// over IPC, and then answers the app's API calls (get, capture) while the bench delivers them.
// For the scheduler's run it approves monthly agreements and then limits the Recurring API to
// the requests a minute the bench asks for, counting what it refuses with HTTP 429.
import { fakeCredentials, startVippsFake } from '../tests/vipps-fake/server.ts';

const fake = await startVippsFake({ deliverWebhooks: false });
const { clientId, clientSecret, subscriptionKey, merchantSerialNumber } = fakeCredentials;
const common = {
	'Ocp-Apim-Subscription-Key': subscriptionKey,
	'Merchant-Serial-Number': merchantSerialNumber
};

async function accessToken() {
	const tokenAnswer = await fetch(`${fake.url}/accesstoken/get`, {
		method: 'POST',
		headers: { ...common, client_id: clientId, client_secret: clientSecret }
	});
	return ((await tokenAnswer.json()) as { access_token: string }).access_token;
}

async function approveAgreements(externalIds: string[]): Promise<string[]> {
	const token = await accessToken();
	const ids: string[] = [];
	for (const externalId of externalIds) {
		const answer = await fetch(`${fake.url}/recurring/v3/agreements`, {
			method: 'POST',
			headers: {
				...common,
				authorization: `Bearer ${token}`,
				'content-type': 'application/json',
				'idempotency-key': externalId
			},
			body: JSON.stringify({
				pricing: { type: 'VARIABLE', currency: 'NOK', suggestedMaxAmount: 100_000 },
				interval: { unit: 'MONTH', count: 1 },
				initialCharge: {
					amount: 15_000,
					description: 'First month',
					transactionType: 'DIRECT_CAPTURE'
				},
				merchantRedirectUrl: 'http://localhost/thank-you',
				merchantAgreementUrl: 'http://localhost/my',
				productName: 'Monthly gift',
				externalId
			})
		});
		if (answer.status !== 201) throw new Error(`agreement ${externalId}: HTTP ${answer.status}`);
		const { agreementId } = (await answer.json()) as { agreementId: string };
		await fake.approveAgreement(agreementId);
		ids.push(agreementId);
	}
	return ids;
}

async function makeGifts(references: string[]) {
	const token = await accessToken();
	for (const reference of references) {
		const answer = await fetch(`${fake.url}/epayment/v1/payments`, {
			method: 'POST',
			headers: {
				...common,
				authorization: `Bearer ${token}`,
				'content-type': 'application/json',
				'idempotency-key': reference
			},
			body: JSON.stringify({
				amount: { currency: 'NOK', value: 25_000 },
				paymentMethod: { type: 'WALLET' },
				reference,
				userFlow: 'WEB_REDIRECT',
				returnUrl: 'http://localhost/thank-you',
				paymentDescription: 'Gift to the bench'
			})
		});
		if (answer.status !== 201) throw new Error(`create ${reference}: HTTP ${answer.status}`);
		await fake.approve(reference);
	}
}

interface Message {
	references?: string[];
	agreements?: string[];
	/** Recurring API requests a minute from now on. */
	limit?: number;
	/** Asks how the charging went. */
	charges?: true;
}

process.on('message', (message: Message) => {
	if (message.agreements)
		void approveAgreements(message.agreements).then((agreementIds) => {
			fake.limitRecurringRequests(message.limit);
			process.send!({ agreementIds });
		});
	if (message.charges) {
		const recurring = [...fake.charges.values()].filter((charge) => charge.type === 'RECURRING');
		process.send!({
			recurringCharges: recurring.length,
			agreementsCharged: new Set(recurring.map((charge) => charge.agreementId)).size,
			rateLimited: fake.rateLimited
		});
	}
	if (!message.references) return;
	void makeGifts(message.references).then(() =>
		process.send!({
			events: fake.events.map((event) => ({ type: event.type, body: event.body })),
			webhooks: [...fake.webhooks.values()].map(({ url, secret }) => ({ url, secret }))
		})
	);
});
process.on('disconnect', () => void fake.close().then(() => process.exit(0)));
process.send!({ url: fake.url });
