import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { locales } from './locales.ts';

// Staff and readers work in four languages: a message written in English only would show up as
// English inside a Pashto or Dari page.
const root = path.resolve('messages');
const folders = [
	root,
	...readdirSync(root, { withFileTypes: true })
		.filter((entry) => entry.isDirectory())
		.map((entry) => path.join(root, entry.name))
];
const keysOf = (file: string) =>
	Object.keys(JSON.parse(readFileSync(file, 'utf8'))).filter((key) => key !== '$schema');

describe('every message in every language', () => {
	for (const folder of folders) {
		const english = keysOf(path.join(folder, 'en.json'));
		for (const locale of locales.filter((l) => l !== 'en')) {
			it(`${path.relative(root, folder) || 'appeal'} has all ${english.length} in ${locale}`, () => {
				const translated = keysOf(path.join(folder, `${locale}.json`));
				expect(english.filter((key) => !translated.includes(key))).toEqual([]);
				expect(translated.filter((key) => !english.includes(key))).toEqual([]);
			});
		}
	}
});
