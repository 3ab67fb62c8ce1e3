import { encodeHexLowerCase } from '@oslojs/encoding';
import type { Kysely, Transaction } from 'kysely';
import type { Database } from '../db/schema.ts';
import { hashToken, randomBase32 } from '../auth/token.ts';
import { queueEmail } from '../mail/outbox.ts';
import { findOrganisation } from '../organisation/settings.ts';
import { consumeRateLimit } from '../http/rate-limit.ts';
import { findSupporterByEmail } from '../supporters/supporters.ts';
import { canSignIn, createSupporterSession } from './session.ts';
import { renderSignInEmail } from './sign-in-email.ts';

// Signing in to /my: the supporter gives an email and, if we know it, gets a link that works
// once, for a short while. The answer is the same, and takes about as long, whether or not we
// know the address, so the form tells nobody who gives to the newsroom.

export const SIGN_IN_LINK_MINUTES = 20;
/**
 * A link inside a receipt or a failed-payment email: the same single-use link, but it has to
 * outlast the hours before the email is read. When it has run out, its page offers a new one.
 */
export const EMAILED_LINK_MINUTES = 72 * 60;
/** Requests per fixed 15-minute window: per email (known or not) and per client address. */
export const LINK_REQUEST_WINDOW_SECONDS = 15 * 60;
export const EMAIL_LINK_REQUEST_LIMIT = 3;
export const ADDRESS_LINK_REQUEST_LIMIT = 10;
/** Every answer waits at least this long, hiding whether a message was queued. */
export const MINIMUM_ANSWER_MS = 400;

const TOKEN_BYTES = 20; // 32 base32 characters, 160 bits
const tokenPattern = /^[a-z2-7]{32}$/;

export type LinkRequestOutcome = { ok: true } | { ok: false; reason: 'rate_limited' };

export interface LinkRequest {
	email: string;
	clientAddress: string;
	/** The site's public origin, for the link. */
	origin: string;
	now?: Date;
	minimumAnswerMs?: number;
}

/** The rate-limit key for an email: a hash, so the table holds no addresses. */
const emailKey = (email: string) =>
	`my-link:email:${encodeHexLowerCase(hashToken(email.trim().toLowerCase()))}`;

export async function requestSignInLink(
	db: Kysely<Database>,
	{
		email,
		clientAddress,
		origin,
		now = new Date(),
		minimumAnswerMs = MINIMUM_ANSWER_MS
	}: LinkRequest
): Promise<LinkRequestOutcome> {
	const started = performance.now();
	const window = { windowSeconds: LINK_REQUEST_WINDOW_SECONDS };
	// Both are counted every time, so a flood of unknown addresses spends the client's allowance.
	const isAddressAllowed = await consumeRateLimit(db, `my-link:address:${clientAddress}`, {
		...window,
		limit: ADDRESS_LINK_REQUEST_LIMIT
	});
	const isEmailAllowed = await consumeRateLimit(db, emailKey(email), {
		...window,
		limit: EMAIL_LINK_REQUEST_LIMIT
	});
	const isAllowed = isAddressAllowed && isEmailAllowed;
	if (isAllowed) await sendLinkIfKnown(db, email, origin, now);
	const remaining = minimumAnswerMs - (performance.now() - started);
	if (remaining > 0) await new Promise((resolve) => setTimeout(resolve, Math.ceil(remaining)));
	return isAllowed ? { ok: true } : { ok: false, reason: 'rate_limited' };
}

async function sendLinkIfKnown(db: Kysely<Database>, email: string, origin: string, now: Date) {
	const supporter = await findSupporterByEmail(db, email);
	if (!supporter || !canSignIn(supporter)) return;
	const organisation = await findOrganisation(db);
	await db.transaction().execute(async (trx) => {
		const signInUrl = await createSignInLink(trx, supporter.id, {
			origin,
			validMinutes: SIGN_IN_LINK_MINUTES,
			now
		});
		const message = renderSignInEmail({
			locale: supporter.preferred_locale,
			organisationName: organisation.name,
			signInUrl,
			validMinutes: SIGN_IN_LINK_MINUTES
		});
		await queueEmail(trx, {
			kind: 'sign_in_link',
			to: supporter.email!,
			locale: supporter.preferred_locale,
			supporterId: supporter.id,
			...message
		});
	});
}

/**
 * Stores a new single-use sign-in link for a supporter, in the caller's transaction, and returns
 * its whole URL. The sign-in form's email and the one-click links in receipts and failed-payment
 * emails are all made here, so they follow the same rules and open the same page.
 */
export async function createSignInLink(
	db: Kysely<Database> | Transaction<Database>,
	supporterId: string,
	{
		origin,
		validMinutes = EMAILED_LINK_MINUTES,
		now = new Date()
	}: { origin: string; validMinutes?: number; now?: Date }
): Promise<string> {
	// Links a day past their time have nothing more to say; sweep them on the way.
	await db
		.deleteFrom('supporter_sign_in_token')
		.where('expires_at', '<', new Date(now.getTime() - 24 * 60 * 60 * 1000))
		.execute();
	const token = randomBase32(TOKEN_BYTES);
	await db
		.insertInto('supporter_sign_in_token')
		.values({
			token_hash: hashToken(token),
			supporter_id: supporterId,
			expires_at: new Date(now.getTime() + validMinutes * 60 * 1000)
		})
		.execute();
	const url = new URL('/my/sign-in', origin);
	url.searchParams.set('token', token);
	return url.toString();
}

export type LinkState = 'valid' | 'used' | 'expired' | 'unknown';

/** What a link's token is, without using it: for the page a mail scanner may also open. */
export async function checkSignInLink(
	db: Kysely<Database>,
	token: string,
	now: Date = new Date()
): Promise<LinkState> {
	if (!tokenPattern.test(token)) return 'unknown';
	const row = await db
		.selectFrom('supporter_sign_in_token as t')
		.innerJoin('supporter', 'supporter.id', 't.supporter_id')
		.select([
			't.expires_at',
			't.used_at',
			'supporter.email',
			'supporter.erased_at',
			'supporter.merged_into'
		])
		.where('t.token_hash', '=', hashToken(token))
		.executeTakeFirst();
	if (!row || !canSignIn(row)) return 'unknown';
	if (row.used_at) return 'used';
	return row.expires_at > now ? 'valid' : 'expired';
}

export type LinkUse =
	| { ok: true; supporterId: string; preferredLocale: string; sessionToken: string }
	| { ok: false; problem: Exclude<LinkState, 'valid'> };

/**
 * Uses a link: at most once, before it expires, for a supporter who may still sign in. The
 * update that marks it used is also the check, so two clicks at once cannot both succeed.
 */
export async function useSignInLink(
	db: Kysely<Database>,
	token: string,
	now: Date = new Date()
): Promise<LinkUse> {
	if (!tokenPattern.test(token)) return { ok: false, problem: 'unknown' };
	return db.transaction().execute(async (trx): Promise<LinkUse> => {
		const used = await trx
			.updateTable('supporter_sign_in_token')
			.set({ used_at: now })
			.where('token_hash', '=', hashToken(token))
			.where('used_at', 'is', null)
			.where('expires_at', '>', now)
			.returning('supporter_id')
			.executeTakeFirst();
		if (!used) {
			const state = await checkSignInLink(trx, token, now);
			return { ok: false, problem: state === 'valid' ? 'used' : state };
		}
		const supporter = await trx
			.selectFrom('supporter')
			.select(['id', 'email', 'erased_at', 'merged_into', 'preferred_locale'])
			.where('id', '=', used.supporter_id)
			.executeTakeFirstOrThrow();
		if (!canSignIn(supporter)) return { ok: false, problem: 'unknown' };
		const sessionToken = await createSupporterSession(trx, supporter.id, now);
		return {
			ok: true,
			supporterId: supporter.id,
			preferredLocale: supporter.preferred_locale,
			sessionToken
		};
	});
}
