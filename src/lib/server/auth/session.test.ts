import { sha256 } from '@oslojs/crypto/sha2';
import type { Cookies } from '@sveltejs/kit';
import { describe, expect, it } from 'vitest';
import { isLocalPlainHttp } from './cookies.ts';
import {
	deleteSessionCookie,
	generateSessionToken,
	readSessionCookie,
	sessionCookieOptions,
	setSessionCookie
} from './session.ts';
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

	it('is named __Host- on https, so only this host over https can set it, and plainly on local http', () => {
		const written: { name: string; value: string; options: Record<string, unknown> }[] = [];
		const jar = new Map<string, string>();
		const cookies = {
			get: (name: string) => jar.get(name),
			set: (name: string, value: string, options: Record<string, unknown>) => {
				written.push({ name, value, options });
				jar.set(name, value);
			},
			delete: (name: string, options: Record<string, unknown>) => {
				written.push({ name, value: '', options });
				jar.delete(name);
			}
		} as unknown as Cookies;
		const https = { cookies, url: new URL('https://give.dawatmedia.no/admin/sign-in') };
		setSessionCookie(https, 'id.secret');
		expect(written[0].name).toBe('__Host-komak_staff_session');
		expect(written[0].options).toMatchObject({ secure: true, path: '/' });
		expect(written[0].options).not.toHaveProperty('domain');
		expect(readSessionCookie(https)).toBe('id.secret');
		deleteSessionCookie(https);
		expect(written[1]).toMatchObject({
			name: '__Host-komak_staff_session',
			options: { path: '/' }
		});

		// Plain http cannot carry Secure, so no prefix either; neither name stands in for the other.
		const local = { cookies, url: new URL('http://localhost:3000/admin/sign-in') };
		setSessionCookie(local, 'local.token');
		expect(written[2]).toMatchObject({ name: 'komak_staff_session', options: { secure: false } });
		expect(readSessionCookie(https)).toBeUndefined();
		expect(readSessionCookie(local)).toBe('local.token');
	});
});
