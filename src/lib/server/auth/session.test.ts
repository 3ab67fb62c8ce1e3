import { sha256 } from '@oslojs/crypto/sha2';
import { describe, expect, it } from 'vitest';
import { generateSessionToken, isLocalPlainHttp, sessionCookieOptions } from './session.ts';
import { hashToken, tokenMatchesHash } from './token.ts';

describe('session tokens', () => {
	it('are an id and a secret in lowercase base32, new every time', () => {
		const { id, secret, token } = generateSessionToken();
		expect(token).toBe(`${id}.${secret}`);
		expect(token).toMatch(/^[a-z2-7]{24}\.[a-z2-7]{32}$/);
		expect(generateSessionToken().token).not.toBe(token);
	});

	it('keep only the SHA-256 of the secret, and match only the same secret', () => {
		const { secret } = generateSessionToken();
		const stored = hashToken(secret);
		expect(stored).toEqual(sha256(new TextEncoder().encode(secret)));
		expect(tokenMatchesHash(secret, stored)).toBe(true);
		const oneLetterOff = secret.slice(0, -1) + (secret.endsWith('a') ? 'b' : 'a');
		expect(tokenMatchesHash(oneLetterOff, stored)).toBe(false);
		expect(tokenMatchesHash(generateSessionToken().secret, stored)).toBe(false);
	});
});

describe('the session cookie', () => {
	it('is HttpOnly, SameSite=Lax, for the whole site, and Secure except on local plain http', () => {
		expect(sessionCookieOptions(new URL('https://give.dawatmedia.no/admin'))).toEqual({
			httpOnly: true,
			sameSite: 'lax',
			path: '/',
			secure: true,
			maxAge: 12 * 60 * 60
		});
		expect(sessionCookieOptions(new URL('http://localhost:3000/admin')).secure).toBe(false);
		expect(isLocalPlainHttp(new URL('http://127.0.0.1:4173/admin'))).toBe(true);
		expect(isLocalPlainHttp(new URL('http://give.dawatmedia.no/admin'))).toBe(false);
		expect(isLocalPlainHttp(new URL('https://localhost/admin'))).toBe(false);
	});
});
