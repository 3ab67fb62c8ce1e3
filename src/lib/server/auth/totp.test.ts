import { generateTOTP } from '@oslojs/otp';
import { decodeBase32IgnorePadding } from '@oslojs/encoding';
import { afterEach, describe, expect, it, vi } from 'vitest';
import {
	formatTotpKey,
	generateRecoveryCodes,
	hashRecoveryCode,
	totpKeyUri,
	verifyTotpCode
} from './totp.ts';

// RFC 6238, appendix B: the SHA-1 key is the ASCII of "12345678901234567890".
const rfcKey = new TextEncoder().encode('12345678901234567890');

describe('TOTP codes', () => {
	afterEach(() => {
		vi.useRealTimers();
	});

	it('accepts the RFC 6238 test vectors, cut to 6 digits', () => {
		vi.useFakeTimers();
		vi.setSystemTime(59_000);
		expect(verifyTotpCode(rfcKey, '287082')).toBe(true);
		vi.setSystemTime(1_111_111_109_000);
		expect(verifyTotpCode(rfcKey, '081804')).toBe(true);
		vi.setSystemTime(1_234_567_890_000);
		expect(verifyTotpCode(rfcKey, '005924')).toBe(true);
		expect(verifyTotpCode(rfcKey, '005925')).toBe(false);
	});

	it('allows one 30-second step either side, not two', () => {
		vi.useFakeTimers();
		vi.setSystemTime(1_234_567_890_000);
		const code = generateTOTP(rfcKey, 30, 6);
		vi.setSystemTime(1_234_567_890_000 + 30_000);
		expect(verifyTotpCode(rfcKey, code)).toBe(true);
		vi.setSystemTime(1_234_567_890_000 + 75_000);
		expect(verifyTotpCode(rfcKey, code)).toBe(false);
	});

	it('ignores spaces but refuses anything not six digits', () => {
		vi.useFakeTimers();
		vi.setSystemTime(59_000);
		expect(verifyTotpCode(rfcKey, '287 082')).toBe(true);
		expect(verifyTotpCode(rfcKey, '28708')).toBe(false);
		expect(verifyTotpCode(rfcKey, '94287082')).toBe(false);
	});

	it('gives authenticator apps a URI and people a key they can type', () => {
		const uri = totpKeyUri('laila@dawatmedia.no', rfcKey);
		expect(uri).toMatch(/^otpauth:\/\/totp\/Komak:laila%40dawatmedia\.no\?/);
		expect(new URL(uri).searchParams.get('secret')).toBe('GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ');
		const typed = formatTotpKey(rfcKey);
		expect(typed).toBe('GEZD GNBV GY3T QOJQ GEZD GNBV GY3T QOJQ');
		expect(decodeBase32IgnorePadding(typed.replace(/ /g, ''))).toEqual(rfcKey);
	});
});

describe('recovery codes', () => {
	it('are ten different codes of ten base32 characters', () => {
		const codes = generateRecoveryCodes();
		expect(codes).toHaveLength(10);
		expect(new Set(codes).size).toBe(10);
		for (const code of codes) expect(code).toMatch(/^[a-z2-7]{5}-[a-z2-7]{5}$/);
	});

	it('are stored as SHA-256 hashes that ignore case, spaces and dashes', () => {
		const hash = hashRecoveryCode('k7m2q-x9c4t');
		expect(hash).toMatch(/^[0-9a-f]{64}$/);
		expect(hashRecoveryCode(' K7M2Q X9C4T ')).toBe(hash);
		expect(hashRecoveryCode('k7m2qx9c4t')).toBe(hash);
		expect(hashRecoveryCode('k7m2q-x9c4u')).not.toBe(hash);
	});
});
