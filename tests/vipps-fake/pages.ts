import type { FakeAgreement, FakeCharge } from './recurring.ts';
import type { FakePayment } from './state.ts';

// The "Vipps app" of the fake: the landing page a supporter reaches from the appeal, showing
// what they are asked to pay, with a phone number field (as Vipps's landing page has on a
// computer) and Approve / Reject. Plain forms, so it works without JavaScript.

const escape = (text: string) =>
	text.replace(
		/[&<>"']/g,
		(c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!
	);

const money = ({ currency, value }: { currency: string; value: number }) =>
	new Intl.NumberFormat('nb-NO', { style: 'currency', currency }).format(value / 100);

export function landingPage(payment: FakePayment): string {
	const isOpen = payment.state === 'CREATED';
	return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width">
<title>Vipps (fake) – approve payment</title>
<style>body{font-family:sans-serif;max-width:28rem;margin:2rem auto;padding:0 1rem}
button{font-size:1.1rem;padding:.6rem 1.2rem;margin:.3rem}.approve{background:#ff5b24;color:#fff;border:0}</style>
</head><body>
<h1>Vipps (fake)</h1>
<p>${escape(payment.paymentDescription || 'Payment')}</p>
<p><strong>${money(payment.amount)}</strong></p>
${
	isOpen
		? `<form method="post" action="/landing">
<input type="hidden" name="token" value="${escape(payment.token)}">
<p><label>Phone number <input name="phoneNumber" inputmode="tel" autocomplete="tel" value="${escape(payment.phoneNumber ?? '')}"></label></p>
<button class="approve" name="action" value="approve">Approve</button>
<button name="action" value="reject">Reject</button>
</form>`
		: `<p>This payment is ${escape(payment.state.toLowerCase())}.</p>
<p><a href="${escape(payment.returnUrl)}">Back to the shop</a></p>`
}
</body></html>`;
}

/** The same page for a monthly agreement: what is taken now, and the most a month may be. */
export function agreementPage(agreement: FakeAgreement, initial: FakeCharge | undefined): string {
	const isOpen = agreement.status === 'PENDING';
	const currency = agreement.pricing.currency;
	const monthly = agreement.pricing.amount ?? agreement.pricing.suggestedMaxAmount ?? 0;
	return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width">
<title>Vipps (fake) – approve agreement</title>
<style>body{font-family:sans-serif;max-width:28rem;margin:2rem auto;padding:0 1rem}
button{font-size:1.1rem;padding:.6rem 1.2rem;margin:.3rem}.approve{background:#ff5b24;color:#fff;border:0}</style>
</head><body>
<h1>Vipps (fake)</h1>
<p>${escape(agreement.productName)}</p>
${initial ? `<p>Now: <strong>${money({ currency, value: initial.amount })}</strong></p>` : ''}
<p>${agreement.pricing.type === 'VARIABLE' ? 'Up to' : 'Then'} <strong>${money({ currency, value: monthly })}</strong> every ${escape(agreement.interval.unit.toLowerCase())}</p>
${
	isOpen
		? `<form method="post" action="/landing">
<input type="hidden" name="token" value="${escape(agreement.token)}">
<p><label>Phone number <input name="phoneNumber" inputmode="tel" autocomplete="tel"></label></p>
<button class="approve" name="action" value="approve">Approve</button>
<button name="action" value="reject">Reject</button>
</form>`
		: `<p>This agreement is ${escape(agreement.status.toLowerCase())}.</p>
<p><a href="${escape(agreement.merchantRedirectUrl)}">Back to the shop</a></p>`
}
</body></html>`;
}
