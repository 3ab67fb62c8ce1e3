import type { IncomingMessage, ServerResponse } from 'node:http';
import type Stripe from 'stripe';
import { completeCheckout } from './checkout.ts';
import { emit, flushDeliveries } from './events.ts';
import { escapeHtml, readBody, sendHtml } from './http.ts';
import { newId } from './objects.ts';
import { changedFields, snapshot, type FakeState } from './state.ts';
import { updateSubscription } from './subscriptions.ts';

/** Currencies whose amounts Stripe counts in whole units rather than hundredths. */
const zeroDecimal = 'bif clp djf gnf jpy kmf krw mga pyg rwf ugx vnd vuv xaf xof xpf'.split(' ');

export function formatAmount(minor: number, currency: string, locale = 'en'): string {
	const value = zeroDecimal.includes(currency) ? minor : minor / 100;
	const tag = Intl.NumberFormat.supportedLocalesOf(locale).length > 0 ? locale : 'en';
	return new Intl.NumberFormat(tag, { style: 'currency', currency: currency.toUpperCase() }).format(
		value
	);
}

function page(title: string, body: string, lang = 'en'): string {
	return `<!doctype html>
<html lang="${escapeHtml(lang)}">
<head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)}</title></head>
<body><main>
${body}
</main></body>
</html>
`;
}

function checkoutPage(state: FakeState, session: Stripe.Checkout.Session): string {
	const lang = session.locale && session.locale !== 'auto' ? session.locale : 'en';
	const items = state.sessionExtras.get(session.id)?.lineItems ?? [];
	const amount = formatAmount(session.amount_total ?? 0, session.currency ?? 'usd', lang);
	const recurring = items[0]?.price?.recurring;
	const every = recurring
		? ` per ${recurring.interval_count > 1 ? `${recurring.interval_count} ${recurring.interval}s` : recurring.interval}`
		: '';
	const heading =
		session.submit_type === 'donate'
			? 'Donate'
			: session.mode === 'subscription'
				? 'Subscribe'
				: 'Pay';
	if (session.status !== 'open') {
		const link =
			session.success_url && session.status === 'complete'
				? `<p><a href="${escapeHtml(successUrl(session))}">Continue</a></p>`
				: '';
		return page(
			'Checkout',
			`<h1>This checkout session is ${escapeHtml(session.status ?? 'closed')}</h1>${link}`,
			lang
		);
	}
	const customer = session.customer
		? state.objects.customers.get(String(session.customer))
		: undefined;
	const email = session.customer_email ?? customer?.email;
	const emailField = email
		? `<p>Email: <span id="email">${escapeHtml(email)}</span></p>`
		: `<p><label>Email <input type="email" name="email" autocomplete="email" required></label></p>`;
	const cancel = session.cancel_url
		? `<p><a href="${escapeHtml(session.cancel_url)}">Cancel</a></p>`
		: '';
	return page(
		`${heading} ${amount}${every}`,
		`<h1>${heading}</h1>
<ul>${items.map((item) => `<li>${escapeHtml(item.description ?? '')} × ${item.quantity ?? 1}</li>`).join('')}</ul>
<p>Amount: <strong id="amount">${escapeHtml(amount)}</strong>${escapeHtml(every)}</p>
<p>Currency: <span id="currency">${escapeHtml((session.currency ?? '').toUpperCase())}</span></p>
<p>Interval: <span id="interval">${escapeHtml(recurring?.interval ?? 'one-time')}</span></p>
<form method="post" action="/pay/${escapeHtml(session.id)}">
${emailField}
<p>Card: 4242 4242 4242 4242 (test)</p>
<button type="submit">Pay</button>
</form>
${cancel}`,
		lang
	);
}

function successUrl(session: Stripe.Checkout.Session): string {
	return (session.success_url ?? '').replaceAll('{CHECKOUT_SESSION_ID}', session.id);
}

async function pay(state: FakeState, req: IncomingMessage, res: ServerResponse, id: string) {
	const session = state.objects.checkoutSessions.get(id);
	if (!session) return sendHtml(res, 404, page('Not found', '<h1>No such checkout session</h1>'));
	const email = new URLSearchParams(await readBody(req)).get('email')?.trim() || undefined;
	if (session.status === 'open') {
		if (!email && !session.customer_email && !session.customer) {
			return sendHtml(res, 400, checkoutPage(state, session));
		}
		const completion = completeCheckout(state, id, { email });
		state.completions.set(id, completion);
		await completion;
	} else {
		// A second click: wait for the first to finish, then go where it went.
		await state.completions.get(id);
	}
	if (session.status !== 'complete') return sendHtml(res, 410, checkoutPage(state, session));
	if (!session.success_url) {
		return sendHtml(res, 200, page('Paid', '<h1>Thank you, your payment is complete</h1>'));
	}
	res.writeHead(303, { Location: successUrl(session) });
	res.end();
}

/** A deep link to changing the card: one button that saves "a new card" as the default. */
function cardUpdatePage(session: Stripe.BillingPortal.Session): string {
	return page(
		'Update your card',
		`<h1>Update your card</h1><p>A new test Visa card will be saved as your default.</p><form method="post" action="/portal/${escapeHtml(session.id)}/card"><button type="submit">Save card</button></form>`
	);
}

/** Where the portal goes after a flow: the flow's redirect, else the portal's home page. */
function afterFlow(session: Stripe.BillingPortal.Session): string {
	return session.flow?.after_completion.redirect?.return_url ?? `/portal/${session.id}`;
}

function saveNewCard(state: FakeState, session: Stripe.BillingPortal.Session) {
	const customer = state.objects.customers.get(session.customer);
	if (!customer) return;
	const before = snapshot(customer);
	customer.invoice_settings = {
		...customer.invoice_settings,
		default_payment_method: newId('pm_')
	};
	emit(state, 'customer.updated', customer, { previous: changedFields(before, customer) });
}

function portalPage(state: FakeState, session: Stripe.BillingPortal.Session): string {
	const subscriptions = [...state.objects.subscriptions.values()].filter(
		(s) => s.customer === session.customer
	);
	const rows = subscriptions.map((s) => {
		const price = s.items.data[0]?.price;
		const amount = formatAmount(price?.unit_amount ?? 0, s.currency);
		const state = s.cancel_at_period_end ? 'cancels at period end' : s.status;
		const cancel =
			s.status !== 'canceled' && !s.cancel_at_period_end
				? `<form method="post" action="/portal/${escapeHtml(session.id)}/cancel/${escapeHtml(s.id)}"><button type="submit">Cancel subscription</button></form>`
				: '';
		return `<li>${escapeHtml(amount)} per ${escapeHtml(price?.recurring?.interval ?? 'month')} (${escapeHtml(state)})${cancel}</li>`;
	});
	const back = session.return_url
		? `<p><a href="${escapeHtml(session.return_url)}">Return</a></p>`
		: '';
	return page('Customer portal', `<h1>Customer portal</h1><ul>${rows.join('')}</ul>${back}`);
}

/** The pages a browser visits instead of Stripe's: checkout and the customer portal. No auth. */
export async function handlePage(
	state: FakeState,
	req: IncomingMessage,
	res: ServerResponse,
	path: string
): Promise<boolean> {
	const method = req.method ?? 'GET';
	const payMatch = /^\/pay\/([^/]+)$/.exec(path);
	if (payMatch) {
		const session = state.objects.checkoutSessions.get(payMatch[1]);
		if (method === 'POST') await pay(state, req, res, payMatch[1]);
		else if (!session) sendHtml(res, 404, page('Not found', '<h1>No such checkout session</h1>'));
		else sendHtml(res, 200, checkoutPage(state, session));
		return true;
	}
	const portalMatch = /^\/portal\/([^/]+)(?:\/cancel\/([^/]+)|\/(card))?$/.exec(path);
	if (portalMatch) {
		const session = state.objects.portalSessions.get(portalMatch[1]);
		if (!session) {
			sendHtml(res, 404, page('Not found', '<h1>No such portal session</h1>'));
		} else if (method === 'POST' && portalMatch[3]) {
			saveNewCard(state, session);
			await flushDeliveries(state);
			res.writeHead(303, { Location: afterFlow(session) });
			res.end();
		} else if (method === 'GET' && session.flow?.type === 'payment_method_update') {
			sendHtml(res, 200, cardUpdatePage(session));
		} else if (method === 'POST' && portalMatch[2]) {
			// The portal's default: cancel at the end of the period the donor has paid for.
			const subscription = state.objects.subscriptions.get(portalMatch[2]);
			if (subscription?.customer === session.customer && subscription.status !== 'canceled') {
				updateSubscription(
					state,
					subscription,
					{ cancel_at_period_end: 'true' },
					{ id: null, idempotency_key: null }
				);
				await flushDeliveries(state);
			}
			res.writeHead(303, { Location: `/portal/${session.id}` });
			res.end();
		} else {
			sendHtml(res, 200, portalPage(state, session));
		}
		return true;
	}
	return false;
}
