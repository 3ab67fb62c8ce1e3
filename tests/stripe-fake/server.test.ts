import Stripe from 'stripe';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startStripeFake, type StripeFake } from './server.ts';
import { monthly, oneOff, startReceiver, webhookSecret } from './test-support.ts';

describe('the Stripe fake, driven by the real SDK', () => {
	let fake: StripeFake;
	let stripe: Stripe;
	let receiver: Awaited<ReturnType<typeof startReceiver>>;
	const typesSince = (start: number) => receiver.received.slice(start).map((e) => e.type);

	beforeAll(async () => {
		receiver = await startReceiver();
		fake = await startStripeFake({ webhookUrl: receiver.url, webhookSecret });
		stripe = new Stripe('sk_test_fake', {
			host: '127.0.0.1',
			port: fake.port,
			protocol: 'http',
			maxNetworkRetries: 0
		});
	});
	afterAll(async () => {
		await fake?.close();
		receiver?.server.close();
	});

	it('answers 401 without a test secret key', async () => {
		const response = await fetch(`${fake.url}/v1/customers/cus_x`);
		expect(response.status).toBe(401);
		expect(await response.json()).toEqual({
			error: { type: 'invalid_request_error', message: expect.stringContaining('API key') }
		});
		const live = new Stripe('sk_live_nope', {
			host: '127.0.0.1',
			port: fake.port,
			protocol: 'http'
		});
		await expect(live.customers.create({ email: 'x@example.org' })).rejects.toMatchObject({
			type: 'StripeAuthenticationError',
			statusCode: 401
		});
	});

	it('rejects unknown and missing parameters like Stripe', async () => {
		const withTypo = { ...oneOff, colour: 'blue' } as Stripe.Checkout.SessionCreateParams;
		await expect(stripe.checkout.sessions.create(withTypo)).rejects.toMatchObject({
			type: 'StripeInvalidRequestError',
			statusCode: 400,
			code: 'parameter_unknown',
			param: 'colour'
		});
		const noQuantity = {
			...oneOff,
			line_items: [{ price_data: oneOff.line_items![0].price_data }]
		};
		await expect(stripe.checkout.sessions.create(noQuantity)).rejects.toMatchObject({
			code: 'parameter_missing',
			param: 'line_items[0][quantity]'
		});
		await expect(
			stripe.checkout.sessions.create({ ...monthly, mode: 'payment', subscription_data: undefined })
		).rejects.toMatchObject({ statusCode: 400, message: expect.stringContaining('recurring') });
		// A rejected request leaves nothing behind, not even the prices it would have made.
		expect(fake.objects.checkoutSessions.size).toBe(0);
		expect(fake.objects.prices.size).toBe(0);
	});

	it('replays the first response for a repeated idempotency key', async () => {
		const first = await stripe.customers.create(
			{ email: 'c@example.org' },
			{ idempotencyKey: 'k1' }
		);
		const again = await stripe.customers.create(
			{ email: 'c@example.org' },
			{ idempotencyKey: 'k1' }
		);
		expect(again.id).toBe(first.id);
		expect(fake.objects.customers.size).toBe(1);
		await expect(
			stripe.customers.create({ email: 'd@example.org' }, { idempotencyKey: 'k1' })
		).rejects.toMatchObject({ type: 'StripeIdempotencyError' });
	});

	let oneOffSession: Stripe.Checkout.Session;

	it('takes a one-off donation through the hosted page', async () => {
		oneOffSession = await stripe.checkout.sessions.create(oneOff);
		expect(oneOffSession).toMatchObject({
			object: 'checkout.session',
			status: 'open',
			payment_status: 'unpaid',
			amount_total: 25000,
			currency: 'nok',
			submit_type: 'donate',
			url: `${fake.url}/pay/${oneOffSession.id}`
		});
		expect(oneOffSession.id).toMatch(/^cs_test_[A-Za-z0-9]{24}$/);
		const lines = await stripe.checkout.sessions.listLineItems(oneOffSession.id);
		expect(lines.data).toMatchObject([
			{ object: 'item', description: 'Donation', amount_total: 25000, quantity: 1 }
		]);
		const page = await (await fetch(oneOffSession.url!)).text();
		expect(page).toContain('<button type="submit">Pay</button>');
		expect(page).toContain(`action="/pay/${oneOffSession.id}"`);
		expect(page).toContain('<a href="http://localhost:3000/give">Cancel</a>');
		expect(page).toMatch(/NOK\s?250\.00/);

		const start = receiver.received.length;
		const paid = await fetch(oneOffSession.url!, { method: 'POST', redirect: 'manual' });
		expect(paid.status).toBe(303);
		expect(paid.headers.get('location')).toBe(
			`http://localhost:3000/thanks?session=${oneOffSession.id}`
		);
		// Delivered before the redirect, so the app's success page can rely on them.
		expect(typesSince(start)).toEqual([
			'payment_intent.succeeded',
			'charge.succeeded',
			'checkout.session.completed'
		]);
		expect(receiver.control.rejected).toBe(0);
		const completed = receiver.received.at(-1)!;
		expect(completed.api_version).toBe(Stripe.API_VERSION);
		expect(completed.data.object).toMatchObject({ id: oneOffSession.id, status: 'complete' });

		const session = await stripe.checkout.sessions.retrieve(oneOffSession.id, {
			expand: ['payment_intent.latest_charge.balance_transaction', 'customer']
		});
		expect(session).toMatchObject({ status: 'complete', payment_status: 'paid' });
		expect((session.customer as Stripe.Customer).email).toBe('ada@example.org');
		const intent = session.payment_intent as Stripe.PaymentIntent;
		expect(intent).toMatchObject({
			status: 'succeeded',
			amount: 25000,
			metadata: { contribution: 'c-1' }
		});
		const charge = intent.latest_charge as Stripe.Charge;
		expect(charge).toMatchObject({ paid: true, status: 'succeeded', amount: 25000 });
		// 2.4 % of 250 NOK plus the 2 NOK fixed part.
		expect(charge.balance_transaction).toMatchObject({ amount: 25000, fee: 800, net: 24200 });
	});

	it('makes no customer for a one-off unless customer_creation is always', async () => {
		const guest = await stripe.checkout.sessions.create({
			...oneOff,
			customer_creation: undefined
		});
		await fake.completeCheckout(guest.id);
		const session = await stripe.checkout.sessions.retrieve(guest.id);
		expect(session.customer).toBeNull();
		expect(session.customer_details?.email).toBe('ada@example.org');
	});

	let subscription: Stripe.Subscription;

	it('starts a monthly donation with a paid first invoice', async () => {
		const created = await stripe.checkout.sessions.create(monthly);
		const start = receiver.received.length;
		const paid = await fetch(created.url!, { method: 'POST', redirect: 'manual' });
		expect(paid.status).toBe(303);
		expect(typesSince(start)).toEqual([
			'customer.subscription.created',
			'invoice.created',
			'invoice.finalized',
			'invoice.paid',
			'invoice.payment_succeeded',
			'checkout.session.completed'
		]);
		const session = await stripe.checkout.sessions.retrieve(created.id, {
			expand: ['subscription', 'invoice']
		});
		subscription = session.subscription as Stripe.Subscription;
		expect(subscription).toMatchObject({ status: 'active', metadata: { plan: 'p-1' } });
		expect(subscription.items.data[0].price).toMatchObject({ unit_amount: 1500, currency: 'eur' });
		const invoice = session.invoice as Stripe.Invoice;
		expect(invoice).toMatchObject({
			status: 'paid',
			billing_reason: 'subscription_create',
			amount_paid: 1500,
			parent: { subscription_details: { subscription: subscription.id } }
		});
		expect(invoice).not.toHaveProperty('subscription');
		const withPayments = await stripe.invoices.retrieve(invoice.id, { expand: ['payments'] });
		const intentId = String(withPayments.payments?.data[0].payment.payment_intent);
		const intent = await stripe.paymentIntents.retrieve(intentId, {
			expand: ['latest_charge.balance_transaction']
		});
		const txn = (intent.latest_charge as Stripe.Charge)
			.balance_transaction as Stripe.BalanceTransaction;
		expect(txn).toMatchObject({ amount: 1500, fee: 61, net: 1439, currency: 'eur' });
	});

	it('renews, fails with a decline code and recovers on retry', async () => {
		let start = receiver.received.length;
		const renewal = await fake.payNextInvoice(subscription.id, { succeed: true });
		expect(renewal).toMatchObject({
			status: 'paid',
			billing_reason: 'subscription_cycle',
			amount_paid: 1500
		});
		expect(typesSince(start)).toEqual([
			'customer.subscription.updated',
			'invoice.created',
			'invoice.finalized',
			'invoice.paid',
			'invoice.payment_succeeded'
		]);
		const renewed = await stripe.subscriptions.retrieve(subscription.id);
		expect(renewed.items.data[0].current_period_start).toBe(
			subscription.items.data[0].current_period_end
		);

		start = receiver.received.length;
		const failed = await fake.payNextInvoice(subscription.id, {
			succeed: false,
			declineCode: 'insufficient_funds'
		});
		expect(failed).toMatchObject({ status: 'open', attempt_count: 1, amount_paid: 0 });
		expect(typesSince(start).slice(-2)).toEqual([
			'invoice.payment_failed',
			'customer.subscription.updated'
		]);
		expect(receiver.received.at(-1)!.data.previous_attributes).toMatchObject({ status: 'active' });
		expect((await stripe.subscriptions.retrieve(subscription.id)).status).toBe('past_due');
		const payments = await stripe.invoices.retrieve(failed.id, {
			expand: ['payments.data.payment.payment_intent']
		});
		const intent = payments.payments!.data[0].payment.payment_intent as Stripe.PaymentIntent;
		expect(intent.last_payment_error).toMatchObject({
			type: 'card_error',
			decline_code: 'insufficient_funds'
		});

		start = receiver.received.length;
		const retried = await fake.payNextInvoice(subscription.id, { succeed: true });
		expect(retried).toMatchObject({ id: failed.id, status: 'paid', attempt_count: 2 });
		expect(typesSince(start)).toEqual([
			'invoice.paid',
			'invoice.payment_succeeded',
			'customer.subscription.updated'
		]);
		expect((await stripe.subscriptions.retrieve(subscription.id)).status).toBe('active');
	});

	it('changes the amount, pauses, schedules a cancellation and cancels', async () => {
		const item = subscription.items.data[0];
		const product = String(item.price.product);
		const start = receiver.received.length;
		const raised = await stripe.subscriptions.update(subscription.id, {
			items: [
				{
					id: item.id,
					price_data: {
						currency: 'eur',
						product,
						unit_amount: 2500,
						recurring: { interval: 'month' }
					}
				}
			],
			proration_behavior: 'none'
		});
		expect(raised.items.data).toHaveLength(1);
		expect(raised.items.data[0]).toMatchObject({ id: item.id, price: { unit_amount: 2500 } });

		const paused = await stripe.subscriptions.update(subscription.id, {
			pause_collection: { behavior: 'void' }
		});
		expect(paused.pause_collection).toEqual({ behavior: 'void', resumes_at: null });
		expect(await fake.payNextInvoice(subscription.id, { succeed: true })).toMatchObject({
			status: 'void',
			total: 2500
		});
		const resumed = await stripe.subscriptions.update(subscription.id, { pause_collection: '' });
		expect(resumed.pause_collection).toBeNull();

		const scheduled = await stripe.subscriptions.update(subscription.id, {
			cancel_at_period_end: true,
			cancellation_details: { comment: 'moving abroad' }
		});
		expect(scheduled).toMatchObject({
			cancel_at_period_end: true,
			cancel_at: scheduled.items.data[0].current_period_end,
			cancellation_details: { comment: 'moving abroad', reason: 'cancellation_requested' }
		});
		const canceled = await stripe.subscriptions.cancel(subscription.id);
		expect(canceled).toMatchObject({ status: 'canceled', ended_at: expect.any(Number) });
		await fake.flushWebhooks();
		const types = typesSince(start);
		expect(types.filter((t) => t === 'customer.subscription.updated')).toHaveLength(5);
		expect(types.at(-1)).toBe('customer.subscription.deleted');
		const pauseEvent = receiver.received.find(
			(e) =>
				e.type === 'customer.subscription.updated' &&
				e.data.previous_attributes &&
				'pause_collection' in e.data.previous_attributes
		);
		expect(pauseEvent?.request?.id).toMatch(/^req_/);
	});

	it('refunds part of a charge', async () => {
		const start = receiver.received.length;
		const refund = await stripe.refunds.create({
			payment_intent: String(
				(await stripe.checkout.sessions.retrieve(oneOffSession.id)).payment_intent
			),
			amount: 5000,
			reason: 'requested_by_customer'
		});
		expect(refund).toMatchObject({ object: 'refund', status: 'succeeded', amount: 5000 });
		const charge = await stripe.charges.retrieve(String(refund.charge));
		expect(charge).toMatchObject({ amount_refunded: 5000, refunded: false });
		await fake.flushWebhooks();
		expect(typesSince(start)).toEqual(['charge.refunded', 'refund.created']);
		expect(receiver.received[start].data.previous_attributes).toMatchObject({ amount_refunded: 0 });
		await expect(stripe.refunds.create({ charge: charge.id, amount: 20001 })).rejects.toMatchObject(
			{ statusCode: 400, code: 'amount_too_large' }
		);
	});

	it('records failed deliveries and re-sends on request', async () => {
		receiver.control.status = 500;
		const customer = await stripe.customers.create({ email: 'e@example.org' });
		await fake.flushWebhooks();
		const event = fake.events.at(-1)!;
		expect(event).toMatchObject({
			type: 'customer.created',
			data: { object: { id: customer.id } }
		});
		expect(fake.deliveries.at(-1)).toEqual({ eventId: event.id, status: 500, attempt: 1 });
		receiver.control.status = 200;
		expect(await fake.deliver(event.id)).toBe(200);
		expect(fake.deliveries.at(-1)).toEqual({ eventId: event.id, status: 200, attempt: 2 });

		fake.setWebhookDelivery(false);
		const count = fake.deliveries.length;
		await stripe.customers.update(customer.id, { name: 'Eve' });
		await fake.flushWebhooks();
		expect(fake.deliveries).toHaveLength(count);
		expect(fake.events.at(-1)?.data.previous_attributes).toEqual({ name: null });
		fake.setWebhookDelivery(true);
	});

	it('lists events newest first, page by page', async () => {
		const newestFirst = [...fake.events].reverse().map((e) => e.id);
		const first = await stripe.events.list({ limit: 3 });
		expect(first.data.map((e) => e.id)).toEqual(newestFirst.slice(0, 3));
		expect(first.has_more).toBe(true);
		const second = await stripe.events.list({ limit: 3, starting_after: first.data[2].id });
		expect(second.data.map((e) => e.id)).toEqual(newestFirst.slice(3, 6));
		const back = await stripe.events.list({ limit: 2, ending_before: second.data[0].id });
		expect(back.data.map((e) => e.id)).toEqual(newestFirst.slice(1, 3));
		const all = await stripe.events.list({ limit: 4 }).autoPagingToArray({ limit: 1000 });
		expect(all.map((e) => e.id)).toEqual(newestFirst);
		const invoices = await stripe.events.list({ types: ['invoice.paid'], created: { gte: 0 } });
		expect(invoices.data.map((e) => e.type)).toEqual([
			'invoice.paid',
			'invoice.paid',
			'invoice.paid'
		]);
		expect((await stripe.events.retrieve(newestFirst[0])).id).toBe(newestFirst[0]);
	});

	it('opens a customer portal, also straight at changing the card, and expires checkout sessions', async () => {
		const customer = [...fake.objects.customers.values()][0];
		const portal = await stripe.billingPortal.sessions.create({
			customer: customer.id,
			return_url: 'http://localhost:3000/account'
		});
		expect(portal.url).toBe(`${fake.url}/portal/${portal.id}`);
		expect(await (await fetch(portal.url)).text()).toContain(
			'href="http://localhost:3000/account"'
		);

		const cardFlow = await stripe.billingPortal.sessions.create({
			customer: customer.id,
			flow_data: {
				type: 'payment_method_update',
				after_completion: {
					type: 'redirect',
					redirect: { return_url: 'http://localhost:3000/my/plans/1' }
				}
			}
		});
		expect(cardFlow.flow).toMatchObject({
			type: 'payment_method_update',
			after_completion: {
				type: 'redirect',
				redirect: { return_url: 'http://localhost:3000/my/plans/1' }
			}
		});
		expect(await (await fetch(cardFlow.url)).text()).toContain('Update your card');
		const saved = await fetch(`${cardFlow.url}/card`, { method: 'POST', redirect: 'manual' });
		expect(saved.headers.get('location')).toBe('http://localhost:3000/my/plans/1');
		expect((await stripe.customers.retrieve(customer.id)) as Stripe.Customer).toMatchObject({
			invoice_settings: { default_payment_method: expect.stringMatching(/^pm_/) }
		});
		await expect(
			stripe.billingPortal.sessions.create({
				customer: customer.id,
				flow_data: { type: 'payment_method_update', after_completion: { type: 'redirect' } }
			})
		).rejects.toMatchObject({
			code: 'parameter_missing',
			param: 'flow_data[after_completion][redirect][return_url]'
		});
		await expect(
			stripe.subscriptions.update(subscription.id, {
				cancellation_details: { comment: 'x'.repeat(5001) }
			})
		).rejects.toMatchObject({ statusCode: 400, param: 'cancellation_details[comment]' });

		const session = await stripe.checkout.sessions.create(oneOff);
		const expired = await stripe.checkout.sessions.expire(session.id);
		expect(expired).toMatchObject({ status: 'expired', url: null });
		expect(fake.events.at(-1)?.type).toBe('checkout.session.expired');
		const late = await fetch(`${fake.url}/pay/${session.id}`, {
			method: 'POST',
			redirect: 'manual'
		});
		expect(late.status).toBe(410);
	});
});
