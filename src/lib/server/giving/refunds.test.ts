import { describe, expect, it } from 'vitest';
import { contributionStatuses } from '../../giving/vocabulary.ts';
import { refundability } from './refunds.ts';

// A card gift paid in full, as an admin sees it with card payments on: refundable. Each case
// below changes one thing.
const paidCardGift = {
	channel: 'card',
	payment_reference: 'pi_123',
	amount_minor: 25_000,
	refunded_minor: 0,
	status: 'succeeded'
} as const;
const adminWithCards = { isCardPaymentConfigured: true, isAdmin: true };

describe('whether a gift can be refunded from its page', () => {
	it('can, for a paid card gift, by an admin, with card payments on: all that is left of it', () => {
		expect(refundability(paidCardGift, adminWithCards)).toEqual({
			refundable: true,
			remainingMinor: 25_000
		});
		expect(
			refundability(
				{ ...paidCardGift, status: 'partially_refunded', refunded_minor: 10_000 },
				adminWithCards
			)
		).toEqual({ refundable: true, remainingMinor: 15_000 });
	});

	it('cannot when the gift did not come by card', () => {
		for (const channel of ['bank_transfer', 'vipps', 'cash', 'other'] as const) {
			expect(refundability({ ...paidCardGift, channel }, adminWithCards)).toEqual({
				refundable: false,
				reason: 'not_card'
			});
		}
	});

	it('cannot when Stripe’s payment is not known', () => {
		expect(refundability({ ...paidCardGift, payment_reference: null }, adminWithCards)).toEqual({
			refundable: false,
			reason: 'no_payment'
		});
	});

	it('cannot when all of it was refunded already', () => {
		expect(
			refundability(
				{ ...paidCardGift, status: 'partially_refunded', refunded_minor: 25_000 },
				adminWithCards
			)
		).toEqual({ refundable: false, reason: 'nothing_left' });
	});

	it('cannot unless it was paid and is neither refunded, disputed nor voided', () => {
		const refusedStatuses = contributionStatuses.filter(
			(status) => status !== 'succeeded' && status !== 'partially_refunded'
		);
		expect(refusedStatuses).toEqual(['pending', 'failed', 'refunded', 'disputed', 'voided']);
		for (const status of refusedStatuses) {
			expect(refundability({ ...paidCardGift, status }, adminWithCards)).toEqual({
				refundable: false,
				reason: 'not_paid'
			});
		}
	});

	it('cannot when card payments are off', () => {
		expect(refundability(paidCardGift, { isCardPaymentConfigured: false, isAdmin: true })).toEqual({
			refundable: false,
			reason: 'card_payments_off'
		});
	});

	it('cannot for staff who are not admins', () => {
		expect(refundability(paidCardGift, { isCardPaymentConfigured: true, isAdmin: false })).toEqual({
			refundable: false,
			reason: 'not_admin'
		});
	});
});
