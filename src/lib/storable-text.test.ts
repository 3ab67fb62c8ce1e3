import { describe, expect, it } from 'vitest';
import { storableJson, storableJsonText, storableText } from './storable-text.ts';

describe('storable text', () => {
	it('drops NUL characters and mends lone surrogates', () => {
		expect(storableText('Moving\u0000 abroad')).toBe('Moving abroad');
		expect(storableText('a\ud800b')).toBe('a\ufffdb');
		expect(storableText('لیلا 🌷')).toBe('لیلا 🌷');
	});

	it('cleans every string and key of a JSON value and keeps the rest', () => {
		expect(
			storableJson({ 'k\u0000': ['x\u0000', 1, null, true, { comment: 'bye\u0000' }] })
		).toEqual({ k: ['x', 1, null, true, { comment: 'bye' }] });
	});

	it('keeps a clean JSON text byte for byte and rewrites only one that jsonb would refuse', () => {
		const clean = '{"id": "evt_1",  "comment": "\\u00e9\\\\u0000"}';
		expect(storableJsonText('{"a":1}')).toBe('{"a":1}');
		expect(JSON.parse(storableJsonText(clean))).toEqual(JSON.parse(clean));
		expect(storableJsonText('{"comment":"bye\\u0000 now","s":"\\ud800"}')).toBe(
			'{"comment":"bye now","s":"\\ufffd"}'.replace('\\ufffd', '\ufffd')
		);
	});
});
