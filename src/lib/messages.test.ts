import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { locales } from './locales.ts';

// Staff and readers work in four languages: a message written in English only would show up as
// English inside a Pashto or Dari page, a staff email or an export.
const root = path.resolve('messages');
const folders = [
	root,
	...readdirSync(root, { withFileTypes: true })
		.filter((entry) => entry.isDirectory())
		.map((entry) => path.join(root, entry.name))
];

type Message = string | { match: Record<string, string> }[];
const messagesIn = (folder: string, locale: string): Record<string, Message> => {
	const messages = JSON.parse(readFileSync(path.join(folder, `${locale}.json`), 'utf8'));
	delete messages.$schema;
	return messages;
};
const keysOf = (folder: string, locale: string) => Object.keys(messagesIn(folder, locale));

/** What a message can say: its text, or each of its plural variants. */
const textsOf = (message: Message): string[] =>
	typeof message === 'string' ? [message] : message.flatMap((v) => Object.values(v.match));

/** The words in Latin letters a message says, its {placeholders} left out. */
const latinWords = (message: Message): string[] =>
	textsOf(message).flatMap(
		(text) => text.replace(/\{[^}]*\}/g, ' ').match(/\d*[A-Za-zÀ-ÿ][\w.:/À-ÿ-]*/g) ?? []
	);

// What Pashto and Dari write in Latin letters, as every language does: names of products,
// companies and Norwegian institutions and their terms, codes, file formats, commands and
// examples a staff member types as they are.
const namesAndCodes = new Set(
	[
		'Komak Vipps Stripe Google Aegis Authenticator 1Password 2FAS DNB Skatteetaten',
		'Brønnøysundregistrene fødselsnummer D-nummer organisasjonsnummer KID IBAN BIC SWIFT',
		'NOK NOK. EUR USD NO NO. AF. CSV PDF HTML XML JSON QR ISO MB DOCTYPE camt.053 BkToCstmrStmt',
		'DDMMYY YYYY-MM-DD ERASE KOMAK_SECRET_KEY SMTP_URL npm run staff:create stripe:sync',
		'utm utm_source utm_medium utm_campaign id payout a z year-end-2026.',
		'name example.org example.org. example.com',
		'PNG SVG http:// https:// https://news.example.org localhost newsletter facebook facebook.',
		// The multiplication sign of "1080 × 1080", which the Latin-1 letter range takes in.
		'×'
	]
		.join(' ')
		.split(' ')
);
// Words bokmål spells as English does.
const sameInBokmal = new Set([
	'Status',
	'Bank',
	'Format',
	'Problem',
	'Minimum',
	'Standard',
	'Medium'
]);
const sameInBokmalLowercase = new Set(['administrator', 'admin']);

describe('every message in every language', () => {
	for (const folder of folders) {
		const name = path.relative(root, folder) || 'appeal';
		const english = messagesIn(folder, 'en');
		const keys = Object.keys(english);
		for (const locale of locales.filter((l) => l !== 'en')) {
			const translated = messagesIn(folder, locale);

			it(`${name} has all ${keys.length} in ${locale}`, () => {
				const translatedKeys = keysOf(folder, locale);
				expect(keys.filter((key) => !translatedKeys.includes(key))).toEqual([]);
				expect(translatedKeys.filter((key) => !keys.includes(key))).toEqual([]);
			});

			it(`${name} says something in every ${locale} message`, () => {
				const empty = keys.filter((key) =>
					textsOf(translated[key] ?? '').some((text) => text.trim() === '')
				);
				expect(empty).toEqual([]);
			});

			if (locale === 'nb') {
				it(`${name} leaves no English in bokmål but words bokmål spells the same`, () => {
					const copied = keys.filter(
						(key) =>
							JSON.stringify(translated[key]) === JSON.stringify(english[key]) &&
							latinWords(english[key]).some(
								(word) =>
									!namesAndCodes.has(word) &&
									!sameInBokmal.has(word) &&
									!sameInBokmalLowercase.has(word)
							)
					);
					expect(copied).toEqual([]);
				});
			} else {
				it(`${name} has no English word in ${locale}, only names and codes`, () => {
					const english = Object.fromEntries(
						keys
							.map((key) => [
								key,
								latinWords(translated[key] ?? '').filter((word) => !namesAndCodes.has(word))
							])
							.filter(([, words]) => words.length > 0)
					);
					expect(english).toEqual({});
				});
			}
		}
	}
});
