import { encodeHexLowerCase } from '@oslojs/encoding';
import type { Kysely } from 'kysely';
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
	const token = randomBase32(TOKEN_BYTES);
	const url = new URL('/my/sign-in', origin);
	url.searchParams.set('token', token);
	const message = renderSignInEmail({
		locale: supporter.preferred_locale,
		organisationName: organisation.name,
		signInUrl: url.toString(),
		validMinutes: SIGN_IN_LINK_MINUTES
	});
	await db.transaction().execute(async (trx) => {
		// Links a day past their time have nothing more to say; sweep them on the way.
		await trx
			.deleteFrom('supporter_sign_in_token')
			.where('expires_at', '<', new Date(now.getTime() - 24 * 60 * 60 * 1000))
			.execute();
		await trx
			.insertInto('supporter_sign_in_token')
			.values({
				token_hash: hashToken(token),
				supporter_id: supporter.id,
				expires_at: new Date(now.getTime() + SIGN_IN_LINK_MINUTES * 60 * 1000)
			})
			.execute();
		await queueEmail(trx, {
			kind: 'sign_in_link',
			to: supporter.email!,
			locale: supporter.preferred_locale,
			supporterId: supporter.id,
			...message
		});
	});
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
