import type { Kysely } from 'kysely';
import type { Database, StaffSession, StaffUser } from '../db/schema.ts';
import { forgiveAttempt, takeAttempt, type AttemptLimit } from './attempts.ts';
import { knownDeviceOf } from './known-device.ts';
import { verifyAgainstNothing, verifyPasswordHash } from './password.ts';
import { createSession, markSessionTwoFactorVerified } from './session.ts';
import { findStaffByEmail, recordSignIn } from './staff.ts';
import {
	claimTotpStep,
	isTotpCodeShape,
	matchTotpStep,
	readTotpKey,
	useRecoveryCode
} from './totp.ts';

// The steps of signing in, apart from HTTP, so the tests can drive them directly.

export type Refusal =
	| { ok: false; reason: 'wrong' }
	| { ok: false; reason: 'locked'; retryAt: Date; limitedBy: AttemptLimit }
	| { ok: false; reason: 'disabled' };

const lockedOut = ({ retryAt, limitedBy }: { retryAt: Date; limitedBy: AttemptLimit }) =>
	({ ok: false, reason: 'locked', retryAt, limitedBy }) as const;

interface SignInAttempt {
	email: string;
	clientAddress: string;
	/** The browser's known-device cookie, if it sent one (known-device.ts). */
	knownDeviceCookie?: string;
	now?: Date;
}

export type PasswordSignIn =
	| {
			ok: true;
			user: StaffUser;
			token: string;
			session: StaffSession;
			/** The account has two-factor on: the session counts once a code is given. */
			needsSecondFactor: boolean;
	  }
	| Refusal;

/**
 * Checks a password under the guessing limits (attempts.ts): those of the browser when it is a
 * known device of the account, else those of the account and the client address. An unknown
 * email costs the same time and the same counted attempt as a known one.
 */
export async function checkPassword(
	db: Kysely<Database>,
	{
		email,
		password,
		clientAddress,
		knownDeviceCookie,
		now = new Date()
	}: SignInAttempt & { password: string }
): Promise<{ ok: true; user: StaffUser } | Refusal> {
	const user = await findStaffByEmail(db, email);
	const knownDevice = user ? knownDeviceOf(knownDeviceCookie, user.id, now) : null;
	const subject = { kind: 'password' as const, account: email, clientAddress, knownDevice };
	const permit = await takeAttempt(db, subject, now);
	if (!permit.isAllowed) return lockedOut(permit);
	// An invited account has no password until its invitee sets one.
	const isRight = user?.password_hash
		? await verifyPasswordHash(user.password_hash, password)
		: await verifyAgainstNothing(password);
	if (!user || !isRight) return { ok: false, reason: 'wrong' };
	await forgiveAttempt(db, subject);
	if (user.is_disabled) return { ok: false, reason: 'disabled' };
	return { ok: true, user };
}

export async function signInWithPassword(
	db: Kysely<Database>,
	{
		userAgent = '',
		now = new Date(),
		...attempt
	}: SignInAttempt & { password: string; userAgent?: string }
): Promise<PasswordSignIn> {
	const checked = await checkPassword(db, { ...attempt, now });
	if (!checked.ok) return checked;
	const { user } = checked;
	const needsSecondFactor = user.totp_enabled_at !== null;
	const { token, session } = await createSession(db, user.id, {
		isTwoFactorVerified: false,
		userAgent,
		now
	});
	if (!needsSecondFactor) await recordSignIn(db, user.id, now);
	return { ok: true, user, token, session, needsSecondFactor };
}

/**
 * The second step for an account with two-factor: a code from the authenticator app, or one of
 * its recovery codes (used up). Counted like passwords: per known device, else per account and
 * per address.
 */
export async function verifySecondFactor(
	db: Kysely<Database>,
	{
		user,
		sessionId,
		code,
		clientAddress,
		knownDeviceCookie,
		now = new Date()
	}: {
		user: StaffUser;
		sessionId: string;
		code: string;
		clientAddress: string;
		knownDeviceCookie?: string;
		now?: Date;
	}
): Promise<{ ok: true; usedRecoveryCode: boolean } | Refusal> {
	const knownDevice = knownDeviceOf(knownDeviceCookie, user.id, now);
	const subject = { kind: 'two-factor' as const, account: user.id, clientAddress, knownDevice };
	const permit = await takeAttempt(db, subject, now);
	if (!permit.isAllowed) return lockedOut(permit);
	let usedRecoveryCode = false;
	let isRight = false;
	if (isTotpCodeShape(code)) {
		const key = readTotpKey(user);
		const step = key ? matchTotpStep(key, code, now.getTime()) : null;
		// A right code already used (seen over a shoulder, or sent twice) counts as wrong.
		isRight = step !== null && (await claimTotpStep(db, user.id, step));
	} else if (code.trim()) {
		isRight = await useRecoveryCode(db, user.id, code);
		usedRecoveryCode = isRight;
	}
	if (!isRight) return { ok: false, reason: 'wrong' };
	await forgiveAttempt(db, subject);
	await markSessionTwoFactorVerified(db, sessionId);
	await recordSignIn(db, user.id, now);
	return { ok: true, usedRecoveryCode };
}
