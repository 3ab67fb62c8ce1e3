import { describe, expect, it } from 'vitest';
import { isSupporterId, stripeCustomerUrl } from './profile.ts';

describe('the link to a supporter’s Stripe customer', () => {
	it('opens the live dashboard for a live key and the test dashboard for a test key', () => {
		expect(stripeCustomerUrl('cus_123', 'sk_live_abc')).toBe(
			'https://dashboard.stripe.com/customers/cus_123'
		);
		expect(stripeCustomerUrl('cus_123', 'sk_test_abc')).toBe(
			'https://dashboard.stripe.com/test/customers/cus_123'
		);
		expect(stripeCustomerUrl('cus_123', undefined)).toBe(
			'https://dashboard.stripe.com/customers/cus_123'
		);
	});
});

describe('a supporter id in an address', () => {
	it('is a UUID or nothing', () => {
		expect(isSupporterId('0b6f3c1e-6a7d-4f2b-9c1a-2d3e4f5a6b7c')).toBe(true);
		expect(isSupporterId("1' or '1'='1")).toBe(false);
		expect(isSupporterId('')).toBe(false);
	});
});
