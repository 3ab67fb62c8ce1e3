import { describe, expect, it } from 'vitest';
import { declineReason, declineReasonForSupporter } from './decline-reasons.ts';

describe('why a card payment failed', () => {
	it('names the common declines', () => {
		expect(declineReason('insufficient_funds')).toBe('insufficient_funds');
		expect(declineReason('expired_card')).toBe('expired_card');
		expect(declineReason('incorrect_cvc')).toBe('incorrect_details');
		expect(declineReason('card_velocity_exceeded')).toBe('limit_exceeded');
		expect(declineReason('authentication_required')).toBe('authentication_required');
		expect(declineReason('currency_not_supported')).toBe('card_not_supported');
		expect(declineReason('try_again_later')).toBe('temporary_problem');
		expect(declineReason('stolen_card')).toBe('card_blocked');
	});

	it('calls a vague or unknown reason a plain decline, and no reason none', () => {
		expect(declineReason('generic_decline')).toBe('declined');
		expect(declineReason('do_not_honor')).toBe('declined');
		expect(declineReason('card_declined')).toBe('declined');
		expect(declineReason('Your card was declined.')).toBe('declined');
		expect(declineReason('constructor')).toBe('declined');
		expect(declineReason(' Insufficient_Funds ')).toBe('insufficient_funds');
		expect(declineReason(null)).toBeNull();
		expect(declineReason('')).toBeNull();
	});

	it('tells the supporter a lost, stolen or fraud block only as a decline', () => {
		expect(declineReasonForSupporter('lost_card')).toBe('declined');
		expect(declineReasonForSupporter('fraudulent')).toBe('declined');
		expect(declineReasonForSupporter(null)).toBe('declined');
		expect(declineReasonForSupporter('expired_card')).toBe('expired_card');
	});
});
