import { describe, expect, it } from 'vitest';
import { localPath } from './local-path.ts';

describe('localPath', () => {
	it.each([
		['/', '/'],
		['/my', '/my'],
		['/admin/supporters?q=laila#top', '/admin/supporters?q=laila#top'],
		['/?currency=EUR&amount=75', '/?currency=EUR&amount=75']
	])('keeps the path %s on this site', (target, expected) => {
		expect(localPath(target)).toBe(expected);
	});

	it.each([
		['/\t/evil.example/x'],
		['/\n/evil.example/x'],
		['/\r/evil.example/x'],
		['/%09/evil.example/x'],
		['/%0a/evil.example/x'],
		['//evil.example/x'],
		['/\\evil.example/x'],
		['/%5cevil.example'],
		['/%2F/evil.example'],
		['https://evil.example/'],
		['javascript:alert(1)'],
		['evil.example'],
		['/\u0000x'],
		['/%E0%A4%A'],
		[''],
		[null],
		[undefined]
	])('sends %j to the fallback instead', (target) => {
		expect(localPath(target, '/home')).toBe('/home');
	});
});
