// How long guessing must wait: a few attempts are free (typos happen), then each further attempt
// waits twice as long as the one before, up to a cap. Unlike a lock, nothing here ever refuses
// for longer than the cap, and a quiet day forgets the count. Pure: storage is in attempts.ts.

export interface BackoffPolicy {
	/** Attempts allowed back to back before any wait. */
	freeAttempts: number;
	/** The wait before the first attempt past the free ones; it doubles with each attempt. */
	firstDelayMs: number;
	maxDelayMs: number;
	/** After this long without an attempt the count starts afresh. */
	forgetAfterMs: number;
}

const MINUTE = 60 * 1000;
const HOUR = 60 * MINUTE;

/** Passwords: 5 free, then 1, 2, 4 … minutes apart, at most an hour: 24 guesses a day. */
export const PASSWORD_BACKOFF: BackoffPolicy = {
	freeAttempts: 5,
	firstDelayMs: MINUTE,
	maxDelayMs: HOUR,
	forgetAfterMs: 24 * HOUR
};

/**
 * Two-factor codes: the same start, at most 4 hours apart. A 6-digit code with a step of grace
 * either side is one in 333 333 per guess, so the cap matters: 6 guesses a day give someone who
 * already has the password under a 1 % chance in a year.
 */
export const TWO_FACTOR_BACKOFF: BackoffPolicy = {
	freeAttempts: 5,
	firstDelayMs: MINUTE,
	maxDelayMs: 4 * HOUR,
	forgetAfterMs: 24 * HOUR
};

/** The attempts that still count at `now`: none once the last was longer ago than forgetting. */
export function countingAttempts(
	policy: BackoffPolicy,
	attempts: number,
	lastAttemptAt: Date,
	now: Date
): number {
	return now.getTime() - lastAttemptAt.getTime() >= policy.forgetAfterMs ? 0 : attempts;
}

/** The wait after the `attempts`-th attempt (counting from 1) before the next may be made. */
export function delayAfter(policy: BackoffPolicy, attempts: number): number {
	if (attempts < policy.freeAttempts) return 0;
	const doublings = attempts - policy.freeAttempts;
	// 2 ** 40 minutes is far past any cap; stopping there keeps the number finite.
	return Math.min(policy.maxDelayMs, policy.firstDelayMs * 2 ** Math.min(doublings, 40));
}

/** When the next attempt may be made, given the attempts so far and when the last one was. */
export function nextAttemptAt(
	policy: BackoffPolicy,
	attempts: number,
	lastAttemptAt: Date,
	now: Date
): Date {
	const counting = countingAttempts(policy, attempts, lastAttemptAt, now);
	return new Date(lastAttemptAt.getTime() + delayAfter(policy, counting));
}
