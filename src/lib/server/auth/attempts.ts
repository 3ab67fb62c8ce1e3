import type { Kysely } from 'kysely';
import type { Database } from '../db/schema.ts';
import {
	clearRateLimit,
	hitRateLimit,
	rateLimitWindowEnd,
	readRateLimit,
	returnRateLimitHit
} from '../http/rate-limit.ts';
import {
	countingAttempts,
	nextAttemptAt,
	PASSWORD_BACKOFF,
	TWO_FACTOR_BACKOFF,
	type BackoffPolicy
} from './backoff.ts';

// Guessing limits for passwords and second-factor codes, kept in PostgreSQL so they hold across
// instances and restarts. None of them lets a stranger shut an account's owner out:
// - per account, for browsers it does not know: a growing wait between attempts (backoff.ts),
//   never a lock;
// - per known device (known-device.ts): the same wait, for that browser alone, so its owner gets
//   in while strangers guessing at the account are kept waiting;
// - per client address: how many accounts were guessed at from it within the hour (rate_limit),
//   against spraying a password over many accounts. One account's typos count once, so an office
//   behind one address is not shut out by a colleague, or a stranger, guessing at one account.
// An attempt is counted before the answer is checked, so parallel guesses cannot slip past the
// count; a right answer gives it back.

export const ADDRESS_WINDOW_SECONDS = 60 * 60;
/** Accounts one address may guess at, wrongly, within the window. */
export const ADDRESS_ACCOUNT_LIMIT = 20;

export type AttemptKind = 'password' | 'two-factor';

const policies: Record<AttemptKind, BackoffPolicy> = {
	password: PASSWORD_BACKOFF,
	'two-factor': TWO_FACTOR_BACKOFF
};

export interface AttemptSubject {
	kind: AttemptKind;
	/** The account asked about: its email (it may not exist) or its id. */
	account: string;
	clientAddress: string;
	/** The device id of a valid known-device cookie for this account, when the browser has one. */
	knownDevice?: string | null;
}

/** Which count refused: the account's (a known device would not be), the device's, the address's. */
export type AttemptLimit = 'account' | 'device' | 'address';

export type AttemptPermit =
	{ isAllowed: true } | { isAllowed: false; retryAt: Date; limitedBy: AttemptLimit };

const normalised = (account: string) => account.trim().toLowerCase();
const backoffKey = ({ kind, account, knownDevice }: AttemptSubject) =>
	knownDevice ? `${kind}:device:${knownDevice}` : `${kind}:account:${normalised(account)}`;
const addressKey = ({ kind, clientAddress }: AttemptSubject) => `${kind}:address:${clientAddress}`;
const addressAccountKey = ({ kind, clientAddress, account }: AttemptSubject) =>
	`${kind}:address-account:${clientAddress}:${normalised(account)}`;
const addressWindow = { windowSeconds: ADDRESS_WINDOW_SECONDS };

/** Counts one attempt, or refuses it (saying when to try again) while a count says wait. */
export async function takeAttempt(
	db: Kysely<Database>,
	subject: AttemptSubject,
	now: Date = new Date()
): Promise<AttemptPermit> {
	// A known device has its own count and stands apart from its address's.
	if (!subject.knownDevice) {
		const addressPermit = await takeAddressAttempt(db, subject);
		if (!addressPermit.isAllowed) return addressPermit;
	}
	const limitedBy = subject.knownDevice ? 'device' : 'account';
	const retryAt = await takeBackoffAttempt(db, backoffKey(subject), policies[subject.kind], now);
	return retryAt ? { isAllowed: false, retryAt, limitedBy } : { isAllowed: true };
}

/** After a right answer: this count starts afresh, and the address no longer counts the account. */
export async function forgiveAttempt(db: Kysely<Database>, subject: AttemptSubject): Promise<void> {
	await db.deleteFrom('attempt_backoff').where('key', '=', backoffKey(subject)).execute();
	if (subject.knownDevice) return;
	if (await clearRateLimit(db, addressAccountKey(subject), addressWindow)) {
		await returnRateLimitHit(db, addressKey(subject), addressWindow);
	}
}

async function takeAddressAttempt(
	db: Kysely<Database>,
	subject: AttemptSubject
): Promise<AttemptPermit> {
	const isNewAccount = (await hitRateLimit(db, addressAccountKey(subject), addressWindow)) === 1;
	const accounts = isNewAccount
		? await hitRateLimit(db, addressKey(subject), addressWindow)
		: await readRateLimit(db, addressKey(subject), addressWindow);
	if (accounts <= ADDRESS_ACCOUNT_LIMIT) return { isAllowed: true };
	return {
		isAllowed: false,
		retryAt: await rateLimitWindowEnd(db, addressWindow),
		limitedBy: 'address'
	};
}

/**
 * Counts an attempt under `key` when its wait is over; else returns when it will be. Read, then
 * write only if nobody wrote in between (compare-and-set on the count), so two parallel
 * attempts cannot both take the last free slot.
 */
async function takeBackoffAttempt(
	db: Kysely<Database>,
	key: string,
	policy: BackoffPolicy,
	now: Date
): Promise<Date | null> {
	for (let round = 0; round < 3; round++) {
		const row = await db
			.selectFrom('attempt_backoff')
			.select(['attempts', 'last_attempt_at'])
			.where('key', '=', key)
			.executeTakeFirst();
		if (!row) {
			const inserted = await db
				.insertInto('attempt_backoff')
				.values({ key, attempts: 1, last_attempt_at: now })
				.onConflict((oc) => oc.column('key').doNothing())
				.returning('key')
				.executeTakeFirst();
			if (inserted) {
				await sweepForgotten(db, now);
				return null;
			}
			continue;
		}
		const allowedAt = nextAttemptAt(policy, row.attempts, row.last_attempt_at, now);
		if (allowedAt > now) return allowedAt;
		const counting = countingAttempts(policy, row.attempts, row.last_attempt_at, now);
		const updated = await db
			.updateTable('attempt_backoff')
			.set({ attempts: counting + 1, last_attempt_at: now })
			.where('key', '=', key)
			.where('attempts', '=', row.attempts)
			.executeTakeFirst();
		if (Number(updated.numUpdatedRows) === 1) return null;
	}
	// Lost the race three times: many parallel guesses, which may as well wait.
	return new Date(now.getTime() + policy.firstDelayMs);
}

/** Rows past forgetting count for nothing; sweep some now and then rather than on a schedule. */
async function sweepForgotten(db: Kysely<Database>, now: Date): Promise<void> {
	if (Math.random() >= 0.05) return;
	const longest = Math.max(...Object.values(policies).map((policy) => policy.forgetAfterMs));
	await db
		.deleteFrom('attempt_backoff')
		.where('last_attempt_at', '<', new Date(now.getTime() - longest))
		.execute();
}

/** Whole minutes until `retryAt`, at least 1: what the message tells a person. */
export function minutesUntil(retryAt: Date, now: Date = new Date()): number {
	return Math.max(1, Math.ceil((retryAt.getTime() - now.getTime()) / 60_000));
}
