import { describe, expect, it } from 'vitest';
import { paymentFailedEmail } from './payment-failed-email.ts';

const base = {
	locale: 'en',
	supporterName: 'Kari Nordmann',
	organisationName: 'Dawat Media Center',
	contactEmail: 'support@dawatmedia.no',
	amountMinor: 1500,
	currency: 'EUR',
	declineCode: 'expired_card',
	nextAttemptAt: new Date('2026-11-28T09:00:00Z'),
	updateCardUrl: 'https://give.dawatmedia.no/my/sign-in?token=abcdefghijklmnopqrstuvwxyz234567'
};

describe('the failed monthly payment email', () => {
	it('says what happened, that nothing is lost, when Stripe tries again, and where to fix it', () => {
		const email = paymentFailedEmail(base);
		expect(email.subject).toBe('Your monthly gift to Dawat Media Center did not go through');
		expect(email.text).toContain('Hello Kari Nordmann,');
		expect(email.text).toContain('This month’s payment of €15 did not go through.');
		expect(email.text).toContain('The card has expired.');
		expect(email.text).toContain('Nothing is lost yet');
		expect(email.text).toContain('We will try the card again on 28 November 2026.');
		expect(email.text).toContain(
			'Update my card: https://give.dawatmedia.no/my/sign-in?token=abcdefghijklmnopqrstuvwxyz234567'
		);
		expect(email.text).toContain('Questions? Write to support@dawatmedia.no.');
		expect(email.html).toContain('lang="en" dir="ltr"');
	});

	it('speaks bokmål, and never tells the supporter their card was reported stolen', () => {
		const email = paymentFailedEmail({
			...base,
			locale: 'nb',
			declineCode: 'stolen_card',
			nextAttemptAt: null,
			contactEmail: ''
		});
		expect(email.subject).toBe('Den månedlige gaven din til Dawat Media Center gikk ikke gjennom');
		expect(email.text).toContain('Banken avviste betalingen uten å si hvorfor');
		expect(email.text).not.toContain('stjålet');
		expect(email.text).not.toContain('Vi prøver kortet igjen');
		expect(email.text).not.toContain('Spørsmål?');
	});

	it('greets a supporter without a name plainly and escapes what they typed', () => {
		expect(paymentFailedEmail({ ...base, supporterName: ' ' }).text).toContain('Hello,\n');
		const html = paymentFailedEmail({ ...base, supporterName: '<b>Ola</b>' }).html;
		expect(html).toContain('Hello &lt;b&gt;Ola&lt;/b&gt;,');
	});

	it('asks a Vipps supporter to check the card behind the agreement in the Vipps app, not to update a card with us', () => {
		const email = paymentFailedEmail({ ...base, paidWith: 'vipps', nextAttemptAt: null });
		expect(email.text).toContain(
			'In the Vipps app you can check that the card is still valid, or choose another card for the agreement with Dawat Media Center.'
		);
		expect(email.text).toContain(
			'See my monthly gift: https://give.dawatmedia.no/my/sign-in?token=abcdefghijklmnopqrstuvwxyz234567'
		);
		expect(email.text).toContain('stop the agreement in the Vipps app');
		expect(email.text).not.toContain('Update my card');
		expect(email.text).not.toContain('add the new one');
		const dari = paymentFailedEmail({ ...base, locale: 'fa-AF', paidWith: 'vipps' });
		expect(dari.text).toContain('اپلیکیشن Vipps');
		expect(dari.text).not.toContain('کارت خود را تازه کنید');
		expect(dari.html).toContain('dir="rtl"');
	});
});
