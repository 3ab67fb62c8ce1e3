import { createHmac, timingSafeEqual } from 'node:crypto';
import type { Cookies } from '@sveltejs/kit';
import { hostCookieName, isLocalPlainHttp } from './cookies.ts';
import { deriveAppKey } from './secret-box.ts';
import { randomBase32 } from './token.ts';

// A browser that has signed in to an account carries a signed "known device" cookie for it
// (OWASP's "device cookies"). Its guesses are counted for that browser alone, so a stranger who
// slows an account down by guessing cannot keep its owner out. It never replaces the password or
// the code; it only decides whose count an attempt goes to. Signed, not stored: nothing to clean.
// Value: `v1.<account id>.<device id>.<issued, seconds>.<HMAC-SHA256, base64url>`.

export const KNOWN_DEVICE_COOKIE = 'komak_staff_device';
/** A browser not used to sign in for this long is a stranger again. */
export const KNOWN_DEVICE_LIFETIME_MS = 90 * 24 * 60 * 60 * 1000;
const VERSION = 'v1';

const mac = (key: Uint8Array, payload: string) =>
	createHmac('sha256', key).update(payload).digest('base64url');

export function signKnownDevice(key: Uint8Array, staffUserId: string, now: Date): string {
	const payload = [VERSION, staffUserId, randomBase32(10), Math.floor(now.getTime() / 1000)];
	return `${payload.join('.')}.${mac(key, payload.join('.'))}`;
}

/** The device id in `value` when it is signed by `key`, for this account and not too old. */
export function verifyKnownDevice(
	key: Uint8Array,
	value: string,
	staffUserId: string,
	now: Date
): string | null {
	const parts = value.split('.');
	if (parts.length !== 5) return null;
	const [version, userId, deviceId, issuedSeconds, signature] = parts;
	const expected = Buffer.from(mac(key, parts.slice(0, 4).join('.')));
	const given = Buffer.from(signature);
	if (given.length !== expected.length || !timingSafeEqual(given, expected)) return null;
	const ageMs = now.getTime() - Number(issuedSeconds) * 1000;
	if (version !== VERSION || userId !== staffUserId || !(ageMs < KNOWN_DEVICE_LIFETIME_MS)) {
		return null;
	}
	return deviceId;
}

let key: Uint8Array | undefined;
const knownDeviceKey = () => (key ??= deriveAppKey('komak known-device cookie v1'));

/** A new known-device cookie value for a browser that has just signed in to the account. */
export function issueKnownDevice(staffUserId: string, now: Date = new Date()): string {
	return signKnownDevice(knownDeviceKey(), staffUserId, now);
}

/** The device id when `value` (a cookie, perhaps missing) marks a known device of the account. */
export function knownDeviceOf(
	value: string | undefined,
	staffUserId: string,
	now: Date = new Date()
): string | null {
	return value ? verifyKnownDevice(knownDeviceKey(), value, staffUserId, now) : null;
}

/** `__Host-komak_staff_device` on https, the plain name on local http. */
export function knownDeviceCookieName(url: URL): string {
	return hostCookieName(KNOWN_DEVICE_COOKIE, url);
}

export function readKnownDeviceCookie(event: { cookies: Cookies; url: URL }): string | undefined {
	return event.cookies.get(knownDeviceCookieName(event.url));
}

/**
 * After a full sign-in (the second factor too, if the account has one, so that a password alone
 * cannot mint devices to spread code guesses over). One account per browser: the last one.
 */
export function rememberKnownDevice(event: { cookies: Cookies; url: URL }, staffUserId: string) {
	event.cookies.set(knownDeviceCookieName(event.url), issueKnownDevice(staffUserId), {
		httpOnly: true,
		sameSite: 'lax',
		path: '/',
		secure: !isLocalPlainHttp(event.url),
		maxAge: KNOWN_DEVICE_LIFETIME_MS / 1000
	});
}
