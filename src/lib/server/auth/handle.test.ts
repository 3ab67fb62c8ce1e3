import { describe, expect, it } from 'vitest';
import { isSameOriginRequest } from '../http/same-origin.ts';
import { isAdminPath } from './handle.ts';
import { safeNextPath } from './forms.ts';

const url = new URL('https://give.dawatmedia.no/admin/staff?/role');
const post = (headers: Record<string, string>) =>
	new Request(url, { method: 'POST', headers, body: 'id=1' });

describe('the admin’s same-origin check', () => {
	it('trusts Sec-Fetch-Site when the browser sends it', () => {
		expect(isSameOriginRequest(post({ 'sec-fetch-site': 'same-origin' }), url)).toBe(true);
		expect(isSameOriginRequest(post({ 'sec-fetch-site': 'same-site' }), url)).toBe(false);
		expect(isSameOriginRequest(post({ 'sec-fetch-site': 'cross-site' }), url)).toBe(false);
		expect(
			isSameOriginRequest(
				post({ 'sec-fetch-site': 'cross-site', origin: 'https://give.dawatmedia.no' }),
				url
			)
		).toBe(false);
	});

	it('else needs the Origin header to be the admin’s own', () => {
		expect(isSameOriginRequest(post({ origin: 'https://give.dawatmedia.no' }), url)).toBe(true);
		expect(isSameOriginRequest(post({ origin: 'https://evil.example' }), url)).toBe(false);
		expect(isSameOriginRequest(post({ origin: 'http://give.dawatmedia.no' }), url)).toBe(false);
		expect(isSameOriginRequest(post({}), url)).toBe(false);
	});

	it('covers /admin and everything under it, nothing else', () => {
		expect(isAdminPath('/admin')).toBe(true);
		expect(isAdminPath('/admin/staff')).toBe(true);
		expect(isAdminPath('/administrator')).toBe(false);
		expect(isAdminPath('/')).toBe(false);
	});
});

describe('where sign-in leads afterwards', () => {
	it('follows ?next= only inside the admin', () => {
		expect(safeNextPath('/admin/supporters?q=laila')).toBe('/admin/supporters?q=laila');
		expect(safeNextPath('/admin')).toBe('/admin');
		expect(safeNextPath(null)).toBe('/admin');
		expect(safeNextPath('https://evil.example/admin')).toBe('/admin');
		expect(safeNextPath('//evil.example/admin')).toBe('/admin');
		expect(safeNextPath('/administrator')).toBe('/admin');
		expect(safeNextPath('/admin\\@evil.example')).toBe('/admin');
		expect(safeNextPath('/admin/sign-in?next=/admin')).toBe('/admin');
	});
});
