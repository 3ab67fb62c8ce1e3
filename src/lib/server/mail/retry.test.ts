import { describe, expect, it } from 'vitest';
import {
	afterFailure,
	describeDeliveryError,
	isPermanentFailure,
	MAX_ATTEMPTS,
	retryDelayMinutes
} from './retry.ts';

describe('mail retries', () => {
	it('waits longer after each failed attempt', () => {
		expect([1, 2, 3, 4, 5, 6].map(retryDelayMinutes)).toEqual([1, 5, 30, 120, 360, 720]);
		expect(retryDelayMinutes(20)).toBe(720);
	});

	it('tries again after a temporary failure and gives up after the last attempt', () => {
		const busy = { code: 'EMESSAGE', responseCode: 451, message: '451 Try again later' };
		expect(afterFailure(1, busy)).toEqual({ giveUp: false, retryInMinutes: 1 });
		expect(afterFailure(2, { code: 'ECONNECTION' })).toEqual({ giveUp: false, retryInMinutes: 5 });
		expect(afterFailure(MAX_ATTEMPTS - 1, busy)).toMatchObject({ giveUp: false });
		expect(afterFailure(MAX_ATTEMPTS, busy)).toEqual({ giveUp: true });
	});

	it('gives up at once when the server refuses the recipient for good', () => {
		const unknownMailbox = { code: 'EENVELOPE', responseCode: 550, message: 'No such user' };
		expect(isPermanentFailure(unknownMailbox)).toBe(true);
		expect(afterFailure(1, unknownMailbox)).toEqual({ giveUp: true });
		// A refused sign-in is a setting staff can fix: keep trying.
		expect(isPermanentFailure({ code: 'EAUTH', responseCode: 535 })).toBe(false);
	});

	it('describes an error on one line for the outbox', () => {
		expect(describeDeliveryError({ code: 'ECONNECTION', message: 'connect\n  ECONNREFUSED' })).toBe(
			'ECONNECTION: connect ECONNREFUSED'
		);
		expect(describeDeliveryError({ message: 'x'.repeat(900) })).toHaveLength(500);
	});
});
