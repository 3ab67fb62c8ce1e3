import type { Cookies } from '@sveltejs/kit';
import type { Kysely, Transaction } from 'kysely';
import type { Database, StaffSession, StaffUser } from '../db/schema.ts';
import { hostCookieName, isLocalPlainHttp } from './cookies.ts';
import { hashToken, randomBase32, tokenMatchesHash } from './token.ts';

type Db = Kysely<Database> | Transaction<Database>;

// Lucia's session design (lucia-auth/lucia code/auth_session.ts): the cookie holds `id.secret`,
// the database only the SHA-256 of the secret, so a leaked table or log gives no usable token.

/** The cookie's name on local plain http; elsewhere it is `__Host-komak_staff_session`. */
export const SESSION_COOKIE = 'komak_staff_session';
/**
 * A session ends after 12 hours without use: a working day with breaks, but an unlocked laptop
 * left overnight with supporters' personal and financial data does not stay signed in.
 */
export const SESSION_INACTIVITY_MS = 12 * 60 * 60 * 1000;
/**
 * However much it is used, a session ends 7 days after sign-in: a stolen cookie, or a browser
 * kept signed in on a shared office computer, does not last for ever.
 */
export const SESSION_ABSOLUTE_LIFETIME_MS = 7 * 24 * 60 * 60 * 1000;
/** Use moves the expiry on, written at most this often to spare a write on every request. */
export const SESSION_RENEWAL_INTERVAL_MS = 5 * 60 * 1000;

const ID_BYTES = 15; // 24 base32 characters
const SECRET_BYTES = 20; // 32 base32 characters, 160 bits

export interface CreatedSession {
	token: string;
	session: StaffSession;
}

export function generateSessionToken(): { id: string; secret: string; token: string } {
	const id = randomBase32(ID_BYTES);
	const secret = randomBase32(SECRET_BYTES);
	return { id, secret, token: `${id}.${secret}` };
}

export async function createSession(
	db: Db,
	staffUserId: string,
	{
		isTwoFactorVerified = false,
		userAgent = '',
		now = new Date()
	}: { isTwoFactorVerified?: boolean; userAgent?: string; now?: Date } = {}
): Promise<CreatedSession> {
	const { id, secret, token } = generateSessionToken();
	const session = await db
		.insertInto('staff_session')
		.values({
			id,
			staff_user_id: staffUserId,
			secret_hash: hashToken(secret),
			is_two_factor_verified: isTwoFactorVerified,
			last_verified_at: now,
			created_at: now,
			user_agent: userAgent.slice(0, 300)
		})
		.returningAll()
		.executeTakeFirstOrThrow();
	return { token, session };
}

export interface ValidatedSession {
	session: StaffSession;
	user: StaffUser;
	/** True when the expiry moved on: the cookie should be set again. */
	isRenewed: boolean;
	/** Signed in fully: the second factor was given, or the account has none. */
	isFullySignedIn: boolean;
}

/**
 * The session behind a cookie's token, or null when it is malformed, unknown, wrong, expired (idle
 * too long or too old) or belongs to a disabled account. An expired session is deleted.
 */
export async function validateSessionToken(
	db: Db,
	token: string,
	now: Date = new Date()
): Promise<ValidatedSession | null> {
	const parts = token.split('.');
	if (parts.length !== 2 || !/^[a-z2-7]{1,64}$/.test(parts[0]) || !parts[1]) return null;
	const [id, secret] = parts;
	const row = await db
		.selectFrom('staff_session')
		.innerJoin('staff_user', 'staff_user.id', 'staff_session.staff_user_id')
		.select([
			'staff_session.id as session_id',
			'staff_session.secret_hash',
			'staff_session.is_two_factor_verified',
			'staff_session.last_verified_at',
			'staff_session.created_at as session_created_at',
			'staff_session.user_agent'
		])
		.selectAll('staff_user')
		.where('staff_session.id', '=', id)
		.executeTakeFirst();
	if (!row || !tokenMatchesHash(secret, row.secret_hash)) return null;
	const idleMs = now.getTime() - row.last_verified_at.getTime();
	const ageMs = now.getTime() - row.session_created_at.getTime();
	if (idleMs >= SESSION_INACTIVITY_MS || ageMs >= SESSION_ABSOLUTE_LIFETIME_MS) {
		await invalidateSession(db, id);
		return null;
	}
	if (row.is_disabled) return null;

	const {
		session_id,
		secret_hash,
		is_two_factor_verified,
		last_verified_at,
		session_created_at,
		user_agent,
		...user
	} = row;
	const session: StaffSession = {
		id: session_id,
		staff_user_id: user.id,
		secret_hash,
		is_two_factor_verified,
		last_verified_at,
		created_at: session_created_at,
		user_agent
	};
	let isRenewed = false;
	if (idleMs >= SESSION_RENEWAL_INTERVAL_MS) {
		await db
			.updateTable('staff_session')
			.set({ last_verified_at: now })
			.where('id', '=', id)
			.execute();
		session.last_verified_at = now;
		isRenewed = true;
	}
	return {
		session,
		user,
		isRenewed,
		isFullySignedIn: is_two_factor_verified || user.totp_enabled_at === null
	};
}

export async function markSessionTwoFactorVerified(db: Db, sessionId: string): Promise<void> {
	await db
		.updateTable('staff_session')
		.set({ is_two_factor_verified: true })
		.where('id', '=', sessionId)
		.execute();
}

export async function invalidateSession(db: Db, sessionId: string): Promise<void> {
	await db.deleteFrom('staff_session').where('id', '=', sessionId).execute();
}

/** Ends every session of a user, or every one but `exceptSessionId` (the one in use). */
export async function invalidateUserSessions(
	db: Db,
	staffUserId: string,
	{ exceptSessionId }: { exceptSessionId?: string } = {}
): Promise<number> {
	let query = db.deleteFrom('staff_session').where('staff_user_id', '=', staffUserId);
	if (exceptSessionId) query = query.where('id', '!=', exceptSessionId);
	const result = await query.executeTakeFirst();
	return Number(result.numDeletedRows);
}

export function sessionCookieOptions(url: URL) {
	return {
		httpOnly: true,
		sameSite: 'lax' as const,
		path: '/',
		secure: !isLocalPlainHttp(url),
		maxAge: SESSION_INACTIVITY_MS / 1000
	};
}

/** The session cookie's name for the request's scheme: `__Host-` on https. */
export function sessionCookieName(url: URL): string {
	return hostCookieName(SESSION_COOKIE, url);
}

export function readSessionCookie(event: { cookies: Cookies; url: URL }): string | undefined {
	return event.cookies.get(sessionCookieName(event.url));
}

export function setSessionCookie(event: { cookies: Cookies; url: URL }, token: string): void {
	event.cookies.set(sessionCookieName(event.url), token, sessionCookieOptions(event.url));
}

export function deleteSessionCookie(event: { cookies: Cookies; url: URL }): void {
	event.cookies.delete(sessionCookieName(event.url), {
		...sessionCookieOptions(event.url),
		maxAge: 0
	});
}
