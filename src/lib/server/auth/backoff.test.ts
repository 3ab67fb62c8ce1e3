import { describe, expect, it } from 'vitest';
import { delayAfter, nextAttemptAt, PASSWORD_BACKOFF, TWO_FACTOR_BACKOFF } from './backoff.ts';

const minutes = (n: number) => n * 60 * 1000;

describe('the wait between guesses', () => {
	it('lets five attempts through at once, then doubles the wait from one minute', () => {
		const waits = [1, 2, 3, 4, 5, 6, 7, 8].map((n) => delayAfter(PASSWORD_BACKOFF, n));
		expect(waits).toEqual([0, 0, 0, 0, minutes(1), minutes(2), minutes(4), minutes(8)]);
	});

	it('never waits longer than an hour for a password, or four hours for a code', () => {
		expect(delayAfter(PASSWORD_BACKOFF, 12)).toBe(minutes(60));
		expect(delayAfter(PASSWORD_BACKOFF, 5000)).toBe(minutes(60));
		expect(delayAfter(TWO_FACTOR_BACKOFF, 13)).toBe(minutes(4 * 60));
	});

	it('counts from the last attempt, and forgets the count after a quiet day', () => {
		const last = new Date('2026-12-06T10:00:00Z');
		const soon = new Date(last.getTime() + minutes(1));
		expect(nextAttemptAt(PASSWORD_BACKOFF, 7, last, soon)).toEqual(
			new Date(last.getTime() + minutes(4))
		);
		expect(nextAttemptAt(PASSWORD_BACKOFF, 3, last, soon)).toEqual(last);
		const nextDay = new Date(last.getTime() + minutes(24 * 60));
		expect(nextAttemptAt(PASSWORD_BACKOFF, 30, last, nextDay)).toEqual(last);
	});
});
