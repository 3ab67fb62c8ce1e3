import { sql, type Kysely } from 'kysely';
import type { Database } from '../db-schema.ts';
import { consumeRateLimit } from '../rate-limit.ts';

// Guessing limits for passwords and second-factor codes, counted in PostgreSQL (rate_limit) so
// they hold across instances and restarts. Fixed 15-minute windows: an account takes 5 wrong
// answers per window, a client address 30 (across all accounts, against password spraying).
// An attempt is counted before the answer is checked, so parallel guesses cannot slip past the
// count; a right answer gives it back.

export const ATTEMPT_WINDOW_SECONDS = 15 * 60;
export const ACCOUNT_ATTEMPT_LIMIT = 5;
export const ADDRESS_ATTEMPT_LIMIT = 30;

export type AttemptKind = 'password' | 'two-factor';

export interface AttemptSubject {
	kind: AttemptKind;
	/** The account asked about: its email in lower case (it may not exist) or its id. */
	account: string;
	clientAddress: string;
}

export type AttemptPermit = { isAllowed: true } | { isAllowed: false; retryAt: Date };

const accountKey = ({ kind, account }: AttemptSubject) =>
	`${kind}:account:${account.trim().toLowerCase()}`;
const addressKey = ({ kind, clientAddress }: AttemptSubject) => `${kind}:address:${clientAddress}`;

const windowStart = sql<Date>`to_timestamp(floor(extract(epoch from now()) / ${ATTEMPT_WINDOW_SECONDS}) * ${ATTEMPT_WINDOW_SECONDS})`;

/** Counts one attempt; refused (with when to try again) once the account or address is over. */
export async function takeAttempt(
	db: Kysely<Database>,
	subject: AttemptSubject
): Promise<AttemptPermit> {
	const window = { windowSeconds: ATTEMPT_WINDOW_SECONDS };
	const isAccountAllowed = await consumeRateLimit(db, accountKey(subject), {
		...window,
		limit: ACCOUNT_ATTEMPT_LIMIT
	});
	const isAddressAllowed = await consumeRateLimit(db, addressKey(subject), {
		...window,
		limit: ADDRESS_ATTEMPT_LIMIT
	});
	if (isAccountAllowed && isAddressAllowed) return { isAllowed: true };
	return { isAllowed: false, retryAt: await windowEnd(db) };
}

/** After a right answer: the account starts afresh and the address gets its attempt back. */
export async function forgiveAttempt(db: Kysely<Database>, subject: AttemptSubject): Promise<void> {
	await db.deleteFrom('rate_limit').where('key', '=', accountKey(subject)).execute();
	await db
		.updateTable('rate_limit')
		.set({ count: sql`count - 1` })
		.where('key', '=', addressKey(subject))
		.where('window_start', '=', windowStart)
		.where('count', '>', 0)
		.execute();
}

async function windowEnd(db: Kysely<Database>): Promise<Date> {
	const { rows } = await sql<{
		retry_at: Date;
	}>`select ${windowStart} + make_interval(secs => ${ATTEMPT_WINDOW_SECONDS}) as retry_at`.execute(
		db
	);
	return new Date(rows[0].retry_at);
}

/** Whole minutes until `retryAt`, at least 1: what the locked-out message tells a person. */
export function minutesUntil(retryAt: Date, now: Date = new Date()): number {
	return Math.max(1, Math.ceil((retryAt.getTime() - now.getTime()) / 60_000));
}
