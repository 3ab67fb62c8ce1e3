import type { Cookies } from '@sveltejs/kit';
import type { Kysely, Transaction } from 'kysely';
import type { Database, Supporter } from '../db/schema.ts';
import { isLocalPlainHttp, secureCookieName } from '../auth/cookies.ts';
import { generateSessionToken } from '../auth/session.ts';
import { hashToken, tokenMatchesHash } from '../auth/token.ts';

type Db = Kysely<Database> | Transaction<Database>;

// Supporters' sessions on /my, kept apart from staff sessions (own table, own cookie limited to
// /my) but of the same design: the cookie holds `id.secret`, the database the SHA-256 of the
// secret, and a session ends after a stretch without use.

/**
 * The cookie's name on local plain http; elsewhere `__Secure-komak_supporter_session`. Not
 * `__Host-`, which demands Path=/: keeping the cookie to /my matters more, so no other page of
 * the site is ever sent a supporter's session.
 */
export const SUPPORTER_SESSION_COOKIE = 'komak_supporter_session';
/**
 * Two hours without use: enough to read and change one's giving, short enough that a shared
 * family phone does not stay signed in. A new link is quick to ask for.
 */
export const SUPPORTER_SESSION_INACTIVITY_MS = 2 * 60 * 60 * 1000;
const RENEWAL_INTERVAL_MS = 5 * 60 * 1000;
const COOKIE_PATH = '/my';

/** Who is signed in on /my: what the pages need, never more. */
export interface SupporterIdentity {
	id: string;
	email: string;
	name: string;
	preferredLocale: string;
	/** The supporter's personal KID, shown on /my for bank transfers. */
	kid: string;
}

export async function createSupporterSession(
	db: Db,
	supporterId: string,
	now: Date = new Date()
): Promise<string> {
	const { id, secret, token } = generateSessionToken();
	await db
		.insertInto('supporter_session')
		.values({
			id,
			supporter_id: supporterId,
			secret_hash: hashToken(secret),
			last_verified_at: now
		})
		.execute();
	// Sessions long over are of no use; sweep them while we are here.
	await db
		.deleteFrom('supporter_session')
		.where('last_verified_at', '<', new Date(now.getTime() - SUPPORTER_SESSION_INACTIVITY_MS))
		.execute();
	return token;
}

export interface ValidatedSupporterSession {
	sessionId: string;
	supporter: SupporterIdentity;
	/** True when the expiry moved on: the cookie should be set again. */
	isRenewed: boolean;
}

/** Whether a supporter record may sign in: it has an email and is neither erased nor merged away. */
export const canSignIn = (supporter: Pick<Supporter, 'email' | 'erased_at' | 'merged_into'>) =>
	supporter.email !== null && supporter.erased_at === null && supporter.merged_into === null;

/**
 * The session behind a cookie's token, or null when it is malformed, unknown, wrong or expired, or
 * its supporter has since been erased or merged into another record.
 */
export async function validateSupporterSession(
	db: Db,
	token: string,
	now: Date = new Date()
): Promise<ValidatedSupporterSession | null> {
	const parts = token.split('.');
	if (parts.length !== 2 || !/^[a-z2-7]{1,64}$/.test(parts[0]) || !parts[1]) return null;
	const [id, secret] = parts;
	const row = await db
		.selectFrom('supporter_session as s')
		.innerJoin('supporter', 'supporter.id', 's.supporter_id')
		.select([
			's.secret_hash',
			's.last_verified_at',
			'supporter.id',
			'supporter.email',
			'supporter.name',
			'supporter.preferred_locale',
			'supporter.kid',
			'supporter.erased_at',
			'supporter.merged_into'
		])
		.where('s.id', '=', id)
		.executeTakeFirst();
	if (!row || !tokenMatchesHash(secret, row.secret_hash)) return null;
	const idleMs = now.getTime() - row.last_verified_at.getTime();
	if (idleMs >= SUPPORTER_SESSION_INACTIVITY_MS || !canSignIn(row)) {
		await invalidateSupporterSession(db, id);
		return null;
	}
	let isRenewed = false;
	if (idleMs >= RENEWAL_INTERVAL_MS) {
		await db
			.updateTable('supporter_session')
			.set({ last_verified_at: now })
			.where('id', '=', id)
			.execute();
		isRenewed = true;
	}
	return {
		sessionId: id,
		supporter: {
			id: row.id,
			email: row.email!,
			name: row.name,
			preferredLocale: row.preferred_locale,
			kid: row.kid
		},
		isRenewed
	};
}

export async function invalidateSupporterSession(db: Db, sessionId: string): Promise<void> {
	await db.deleteFrom('supporter_session').where('id', '=', sessionId).execute();
}

/** Ends every session and unused sign-in link of these supporters (erasure, say). */
export async function endSupporterAccess(db: Db, supporterIds: string[]): Promise<void> {
	if (supporterIds.length === 0) return;
	await db.deleteFrom('supporter_session').where('supporter_id', 'in', supporterIds).execute();
	await db
		.deleteFrom('supporter_sign_in_token')
		.where('supporter_id', 'in', supporterIds)
		.execute();
}

function cookieOptions(url: URL) {
	return {
		httpOnly: true,
		sameSite: 'lax' as const,
		path: COOKIE_PATH,
		secure: !isLocalPlainHttp(url),
		maxAge: SUPPORTER_SESSION_INACTIVITY_MS / 1000
	};
}

/** The supporter's session cookie's name for the request's scheme: `__Secure-` on https. */
export function supporterSessionCookieName(url: URL): string {
	return secureCookieName(SUPPORTER_SESSION_COOKIE, url);
}

export function readSupporterSessionCookie(event: { cookies: Cookies; url: URL }) {
	return event.cookies.get(supporterSessionCookieName(event.url));
}

export function setSupporterSessionCookie(event: { cookies: Cookies; url: URL }, token: string) {
	event.cookies.set(supporterSessionCookieName(event.url), token, cookieOptions(event.url));
}

export function deleteSupporterSessionCookie(event: { cookies: Cookies; url: URL }) {
	event.cookies.delete(supporterSessionCookieName(event.url), {
		...cookieOptions(event.url),
		maxAge: 0
	});
}
