// What a Norwegian bank's one text column says about the payer. DNB's CSV export has no name or
// KID column: "Giro 1004217 Laila Ahmadi", "Overføring Innland Mohammad Karimi Gave nr 1004324",
// "Nettgiro Fra: ZAHRA HOSSEINI Til Dawat". Pure, so the rules test in milliseconds.
import { isValidMod10Kid } from '../supporters/kid.ts';

// Words banks put before the payer: the kind of transfer.
const transferWords = new Set([
	'giro',
	'nettgiro',
	'bankgiro',
	'avtalegiro',
	'overføring',
	'overforing',
	'innland',
	'utland',
	'straksbetaling',
	'straksoverføring',
	'innbetaling',
	'mobiloverføring',
	'kreditoverføring',
	'fra',
	'fra:',
	'betaling',
	'sepa'
]);

// Words that end the payer's name: the message the payer wrote begins.
const messageWords = new Set([
	'til',
	'gave',
	'melding',
	'nr',
	'nr.',
	'for',
	'dato',
	'betalt',
	'ref',
	'ref.',
	'kid',
	'kid:',
	'fra',
	'og',
	'mnd',
	'månedlig',
	'takk',
	'støtte',
	'bidrag',
	'hilsen',
	'mvh'
]);

const isNameWord = (word: string) => /^\p{Lu}[\p{L}'’.-]*$/u.test(word);

// Numbers banks write before the payer or after "Betalt:": an account (1234.56.78901), a date
// (05.03, 05.03.26, 05.03.2026) or a time. Never part of a name.
const isAccountOrDate = (word: string) =>
	/^\d{4}\.\d{2}\.\d{5}$/.test(word) || /^\d{1,2}[.:]\d{2}([.]\d{2}(\d{2})?)?$/.test(word);

// "Betalt: 05.03.26", "Dato 03.03", "Til: 1234.56.78901": a label and the number it names.
const labelWords = new Set(['betalt', 'betalt:', 'dato', 'dato:', 'til:', 'konto', 'konto:']);

// Lower-case words inside a name: "Anne van der Berg", "Abdul al Rahman".
const nameParticles = new Set([
	'van',
	'von',
	'der',
	'den',
	'de',
	'da',
	'di',
	'la',
	'bin',
	'al',
	'el'
]);

export interface BankTextPayer {
	payerName: string;
	/** A KID the text starts with ("Giro 1004217 …"), when its MOD10 check digit is right. */
	kid: string | null;
}

/** The words of a name from position i: capitalised words and the particles between them. */
function nameFrom(words: string[], i: number): string[] {
	const name: string[] = [];
	while (i < words.length && name.length < 5) {
		const word = words[i];
		const lower = word.toLowerCase();
		let next = i;
		while (next < words.length && nameParticles.has(words[next].toLowerCase())) next++;
		const isParticle = name.length > 0 && next > i && isNameWord(words[next] ?? '');
		if (!isParticle && (messageWords.has(lower) || !isNameWord(word))) break;
		name.push(word);
		i++;
	}
	return name;
}

/**
 * The payer's name and KID in a bank's transaction text, as far as they can be read; '' and null
 * when the text names nobody (a card purchase, a payout). DNB writes, among others,
 * "Giro 1004217 Laila Ahmadi", "Nettgiro Fra: LAILA AHMADI Betalt: 05.03.26" and
 * "Overføring Innland 1234.56.78901 Laila Ahmadi Gave".
 */
export function readBankText(text: string): BankTextPayer {
	const words = text.replace(/\s+/g, ' ').trim().split(' ').filter(Boolean);
	let i = 0;
	let sawTransferWord = false;
	let kid: string | null = null;
	let sawNumber = false;
	// Before the name: the kind of transfer, a KID, an account number, a date, "Betalt: 05.03.26".
	while (i < words.length) {
		const word = words[i];
		const lower = word.toLowerCase();
		if (transferWords.has(lower)) sawTransferWord = true;
		else if (/^\d{2,25}$/.test(word)) {
			// Only the first plain number may be the KID: an account number may follow it.
			if (!sawNumber && isValidMod10Kid(word)) kid = word;
			sawNumber = true;
		} else if (!isAccountOrDate(word) && !labelWords.has(lower)) break;
		i++;
	}
	let name = nameFrom(words, i);
	// "… Fra: NAME" names the payer wherever it stands, after an account or a message.
	const from = words.findIndex((word) => /^fra:?$/i.test(word));
	if (name.length === 0 && from > i) {
		name = nameFrom(words, from + 1);
		sawTransferWord = true;
	}
	// One capitalised word after no transfer word is more likely a shop or a month than a payer.
	const isName = name.length >= 2 || (sawTransferWord && name.length === 1);
	return { payerName: isName ? name.join(' ') : '', kid };
}
