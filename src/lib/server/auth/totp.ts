import { sha256 } from '@oslojs/crypto/sha2';
import {
	decodeBase32IgnorePadding,
	encodeBase32UpperCaseNoPadding,
	encodeHexLowerCase
} from '@oslojs/encoding';
import { createTOTPKeyURI, verifyHOTP } from '@oslojs/otp';
import { sql, type Kysely, type Transaction } from 'kysely';
import type { Database, StaffUser } from '../db/schema.ts';
import {
	openSecret,
	resealEach,
	sealSecret,
	type ResealCount,
	type SecretKeys
} from './secret-box.ts';
import { randomBase32 } from './token.ts';

type Db = Kysely<Database> | Transaction<Database>;

// Time-based one-time codes (RFC 6238) as every authenticator app makes them: 30 s, 6 digits,
// with one step of grace either side for a slow typist or a clock a little off.
export const TOTP_PERIOD_SECONDS = 30;
export const TOTP_DIGITS = 6;
// One step of grace either side.
const TOTP_GRACE_STEPS = 1;
const TOTP_KEY_BYTES = 20;
export const RECOVERY_CODE_COUNT = 10;
const TOTP_ISSUER = 'Komak';

export function generateTotpKey(): Uint8Array {
	const key = new Uint8Array(TOTP_KEY_BYTES);
	crypto.getRandomValues(key);
	return key;
}

/** The otpauth:// URI an authenticator app reads from the QR code. */
export function totpKeyUri(accountName: string, key: Uint8Array): string {
	return createTOTPKeyURI(TOTP_ISSUER, accountName, key, TOTP_PERIOD_SECONDS, TOTP_DIGITS);
}

/** The key as a person types it into an app: base32 in groups of four. */
export function formatTotpKey(key: Uint8Array): string {
	return encodeBase32UpperCaseNoPadding(key).replace(/(.{4})(?=.)/g, '$1 ');
}

export function isTotpCodeShape(code: string): boolean {
	return new RegExp(`^\\d{${TOTP_DIGITS}}$`).test(code.replace(/\s/g, ''));
}

/**
 * The time step (30-second window) whose code this is, within one step either side of now, or
 * null for a wrong code. The step lets the caller refuse a code that was already used.
 */
export function matchTotpStep(key: Uint8Array, code: string, now = Date.now()): number | null {
	const digits = code.replace(/\s/g, '');
	if (!isTotpCodeShape(digits)) return null;
	const current = Math.floor(now / 1000 / TOTP_PERIOD_SECONDS);
	for (let step = current - TOTP_GRACE_STEPS; step <= current + TOTP_GRACE_STEPS; step++) {
		if (verifyHOTP(key, BigInt(step), TOTP_DIGITS, digits)) return step;
	}
	return null;
}

export function verifyTotpCode(key: Uint8Array, code: string): boolean {
	return matchTotpStep(key, code) !== null;
}

/**
 * Takes a code's step for the account: true once, false if this or a later step was already used
 * (two requests with the same code: the row's update lets one through).
 */
export async function claimTotpStep(db: Db, staffUserId: string, step: number): Promise<boolean> {
	const claimed = await db
		.updateTable('staff_user')
		.set({ totp_last_step: step })
		.where('id', '=', staffUserId)
		.where((eb) => eb.or([eb('totp_last_step', 'is', null), eb('totp_last_step', '<', step)]))
		.executeTakeFirst();
	return Number(claimed.numUpdatedRows) === 1;
}

// The sealed key is bound to its account: copied onto another row it does not open.
const associatedData = (staffUserId: string) => `staff_user:${staffUserId}:totp`;

function sealTotpKey(staffUserId: string, key: Uint8Array): string {
	return sealSecret(encodeBase32UpperCaseNoPadding(key), associatedData(staffUserId));
}

/** The account's TOTP key (during enrolment too), or null when it has none or it cannot open. */
export function readTotpKey(
	user: Pick<StaffUser, 'id' | 'totp_secret_encrypted'>
): Uint8Array | null {
	if (!user.totp_secret_encrypted) return null;
	try {
		return decodeBase32IgnorePadding(
			openSecret(user.totp_secret_encrypted, associatedData(user.id))
		);
	} catch {
		// A different KOMAK_SECRET_KEY or a changed row: the recovery codes still work.
		return null;
	}
}

/** Seals every account's TOTP key that an old key sealed again with the current one. */
export async function resealTotpKeys(
	trx: Transaction<Database>,
	keys: SecretKeys
): Promise<ResealCount> {
	const rows = await trx
		.selectFrom('staff_user')
		.select(['id', 'totp_secret_encrypted'])
		.where('totp_secret_encrypted', 'is not', null)
		.orderBy('id')
		.forUpdate()
		.execute();
	const values = rows.map((row) => ({
		id: row.id,
		sealed: row.totp_secret_encrypted!,
		associatedData: associatedData(row.id)
	}));
	return resealEach(values, keys, (id, sealed) =>
		trx
			.updateTable('staff_user')
			.set({ totp_secret_encrypted: sealed })
			.where('id', '=', id)
			.execute()
	);
}

/** Ten codes like `k7m2q-x9c4t`: 50 random bits each, shown to the person once. */
export function generateRecoveryCodes(): string[] {
	return Array.from({ length: RECOVERY_CODE_COUNT }, () => {
		const code = randomBase32(7).slice(0, 10);
		return `${code.slice(0, 5)}-${code.slice(5)}`;
	});
}

/** What a typed recovery code is stored as: case, spaces and dashes do not matter. */
export function hashRecoveryCode(code: string): string {
	const normalised = code.toLowerCase().replace(/[\s-]/g, '');
	return encodeHexLowerCase(sha256(new TextEncoder().encode(normalised)));
}

/** Starts enrolment: a new key is kept (sealed) but two-factor is off until a code confirms it. */
export async function beginTotpEnrolment(db: Db, staffUserId: string): Promise<Uint8Array> {
	const key = generateTotpKey();
	await db
		.updateTable('staff_user')
		.set({ totp_secret_encrypted: sealTotpKey(staffUserId, key), updated_at: sql`now()` })
		.where('id', '=', staffUserId)
		.where('totp_enabled_at', 'is', null)
		.execute();
	return key;
}

export async function cancelTotpEnrolment(db: Db, staffUserId: string): Promise<void> {
	await db
		.updateTable('staff_user')
		.set({ totp_secret_encrypted: null, updated_at: sql`now()` })
		.where('id', '=', staffUserId)
		.where('totp_enabled_at', 'is', null)
		.execute();
}

/**
 * Turns two-factor on once a code from the pending key is right. Returns the recovery codes to
 * show once, or null for a wrong code or no enrolment under way.
 */
export async function confirmTotpEnrolment(
	db: Db,
	user: Pick<StaffUser, 'id' | 'totp_secret_encrypted' | 'totp_enabled_at'>,
	code: string,
	now: Date = new Date()
): Promise<string[] | null> {
	if (user.totp_enabled_at) return null;
	const key = readTotpKey(user);
	const step = key ? matchTotpStep(key, code) : null;
	if (step === null) return null;
	const recoveryCodes = generateRecoveryCodes();
	const updated = await db
		.updateTable('staff_user')
		.set({
			totp_enabled_at: now,
			// The code that turned it on cannot then sign in.
			totp_last_step: step,
			recovery_code_hashes: recoveryCodes.map(hashRecoveryCode),
			updated_at: sql`now()`
		})
		.where('id', '=', user.id)
		.where('totp_enabled_at', 'is', null)
		.where('totp_secret_encrypted', '=', user.totp_secret_encrypted)
		.executeTakeFirst();
	return Number(updated.numUpdatedRows) === 1 ? recoveryCodes : null;
}

export async function disableTotp(db: Db, staffUserId: string): Promise<void> {
	await db
		.updateTable('staff_user')
		.set({
			totp_secret_encrypted: null,
			totp_enabled_at: null,
			recovery_code_hashes: [],
			updated_at: sql`now()`
		})
		.where('id', '=', staffUserId)
		.execute();
}

/** New recovery codes replace all the old ones; returned to show once. */
export async function regenerateRecoveryCodes(db: Db, staffUserId: string): Promise<string[]> {
	const recoveryCodes = generateRecoveryCodes();
	await db
		.updateTable('staff_user')
		.set({ recovery_code_hashes: recoveryCodes.map(hashRecoveryCode), updated_at: sql`now()` })
		.where('id', '=', staffUserId)
		.where('totp_enabled_at', 'is not', null)
		.execute();
	return recoveryCodes;
}

/**
 * Uses up a recovery code: true once, for a code the account holds. Removing it in the same
 * statement that finds it means two requests with the same code cannot both succeed.
 */
export async function useRecoveryCode(db: Db, staffUserId: string, code: string): Promise<boolean> {
	const codeHash = hashRecoveryCode(code);
	const used = await db
		.updateTable('staff_user')
		.set({ recovery_code_hashes: sql`array_remove(recovery_code_hashes, ${codeHash})` })
		.where('id', '=', staffUserId)
		.where('totp_enabled_at', 'is not', null)
		.where(sql<boolean>`${codeHash} = any(recovery_code_hashes)`)
		.executeTakeFirst();
	return Number(used.numUpdatedRows) === 1;
}
