import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
	KNOWN_DEVICE_LIFETIME_MS,
	knownDeviceCookieName,
	signKnownDevice,
	verifyKnownDevice
} from './known-device.ts';

const key = randomBytes(32);
const laila = '6f1c2a5e-8d1b-4c3e-9a57-0f3e2b1d4c5a';
const farid = '0b7d9e2f-3a4c-4e5f-8a6b-7c8d9e0f1a2b';
const now = new Date('2026-12-06T10:00:00Z');

describe('known-device cookies', () => {
	it('name a new device of the account they were issued for, and no other account', () => {
		const value = signKnownDevice(key, laila, now);
		const deviceId = verifyKnownDevice(key, value, laila, now);
		expect(deviceId).toMatch(/^[a-z2-7]{16}$/);
		expect(verifyKnownDevice(key, signKnownDevice(key, laila, now), laila, now)).not.toBe(deviceId);
		expect(verifyKnownDevice(key, value, farid, now)).toBeNull();
	});

	it('are refused when changed, signed with another key, or older than 90 days', () => {
		const value = signKnownDevice(key, laila, now);
		const [version, , deviceId, issued, signature] = value.split('.');
		const forFarid = [version, farid, deviceId, issued, signature].join('.');
		expect(verifyKnownDevice(key, forFarid, farid, now)).toBeNull();
		const younger = [version, laila, deviceId, Number(issued) + 1000, signature].join('.');
		expect(verifyKnownDevice(key, younger, laila, now)).toBeNull();
		expect(verifyKnownDevice(randomBytes(32), value, laila, now)).toBeNull();
		expect(verifyKnownDevice(key, 'v1.nonsense', laila, now)).toBeNull();
		const later = new Date(now.getTime() + KNOWN_DEVICE_LIFETIME_MS);
		expect(verifyKnownDevice(key, value, laila, later)).toBeNull();
		expect(KNOWN_DEVICE_LIFETIME_MS).toBe(90 * 24 * 60 * 60 * 1000);
	});

	it('is __Host- on https and plain on local http', () => {
		expect(knownDeviceCookieName(new URL('https://give.dawatmedia.no/admin'))).toBe(
			'__Host-komak_staff_device'
		);
		expect(knownDeviceCookieName(new URL('http://localhost:3000/admin'))).toBe(
			'komak_staff_device'
		);
	});
});
