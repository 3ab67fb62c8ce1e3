import { describe, expect, it } from 'vitest';
import { hostCookieName, isLocalPlainHttp, secureCookieName } from './cookies.ts';

describe('sign-in cookie names', () => {
	it('carry the prefix browsers enforce whenever the cookie is Secure', () => {
		const https = new URL('https://give.dawatmedia.no/admin');
		expect(hostCookieName('komak_staff_session', https)).toBe('__Host-komak_staff_session');
		expect(secureCookieName('komak_supporter_session', https)).toBe(
			'__Secure-komak_supporter_session'
		);
		// Plain http to another host gets Secure cookies too, which the browser refuses: prefixed alike.
		const remotePlain = new URL('http://give.dawatmedia.no/admin');
		expect(hostCookieName('komak_staff_session', remotePlain)).toBe('__Host-komak_staff_session');
	});

	it('stay plain on local http, where a cookie cannot be Secure', () => {
		const local = new URL('http://localhost:3000/my');
		expect(isLocalPlainHttp(local)).toBe(true);
		expect(hostCookieName('komak_staff_session', local)).toBe('komak_staff_session');
		expect(secureCookieName('komak_supporter_session', local)).toBe('komak_supporter_session');
		expect(isLocalPlainHttp(new URL('http://[::1]:4173/admin'))).toBe(true);
	});
});
