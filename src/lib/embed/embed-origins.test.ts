import { describe, expect, it } from 'vitest';
import { isOnEmbedOrigin, parseEmbedOrigin, readEmbedOrigins } from './embed-origins.ts';

describe('the sites allowed to show the appeal', () => {
	it('takes sites written as https:// and a name, with or without a slash, in any case', () => {
		expect(parseEmbedOrigin('https://News.Example.org/')).toBe('https://news.example.org');
		expect(parseEmbedOrigin('https://news.example.org:8443')).toBe('https://news.example.org:8443');
	});

	it('allows plain http only for a site on this computer', () => {
		expect(parseEmbedOrigin('http://localhost:4302')).toBe('http://localhost:4302');
		expect(parseEmbedOrigin('http://127.0.0.1:8080')).toBe('http://127.0.0.1:8080');
		expect(parseEmbedOrigin('http://news.example.org')).toBeNull();
	});

	it('refuses paths, wildcards, other schemes and bare names', () => {
		for (const text of [
			'https://news.example.org/articles',
			'https://*.example.org',
			'news.example.org',
			'ftp://news.example.org',
			'javascript:alert(1)',
			'https://user@news.example.org',
			"'self'"
		])
			expect(parseEmbedOrigin(text), text).toBeNull();
	});

	it('reads a list separated by commas, spaces or lines, once each', () => {
		expect(
			readEmbedOrigins(
				'https://a.example, https://b.example\nhttps://a.example/  http://localhost:3000'
			)
		).toEqual({
			ok: true,
			origins: ['https://a.example', 'https://b.example', 'http://localhost:3000']
		});
		expect(readEmbedOrigins('  ')).toEqual({ ok: true, origins: [] });
		expect(readEmbedOrigins('https://a.example, http://b.example')).toEqual({
			ok: false,
			error: 'embed_origin_invalid'
		});
	});

	it('knows whether an article is on an allowed site', () => {
		const origins = ['https://news.example.org'];
		expect(isOnEmbedOrigin('https://news.example.org/2026/story', origins)).toBe(true);
		expect(isOnEmbedOrigin('https://evil.example/news.example.org', origins)).toBe(false);
		expect(isOnEmbedOrigin('not an address', origins)).toBe(false);
		expect(isOnEmbedOrigin(null, origins)).toBe(false);
	});
});
