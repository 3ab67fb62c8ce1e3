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

export interface BankTextPayer {
	payerName: string;
	/** A KID the text starts with ("Giro 1004217 …"), when its MOD10 check digit is right. */
	kid: string | null;
}

/**
 * The payer's name and KID in a bank's transaction text, as far as they can be read; '' and null
 * when the text names nobody (a card purchase, a payout).
 */
export function readBankText(text: string): BankTextPayer {
	const words = text.replace(/\s+/g, ' ').trim().split(' ').filter(Boolean);
	let i = 0;
	let sawTransferWord = false;
	while (i < words.length && transferWords.has(words[i].toLowerCase())) {
		i++;
		sawTransferWord = true;
	}
	let kid: string | null = null;
	if (i < words.length && /^\d{2,25}$/.test(words[i])) {
		if (isValidMod10Kid(words[i])) kid = words[i];
		i++;
	}
	const name: string[] = [];
	while (i < words.length && name.length < 5) {
		const word = words[i];
		if (messageWords.has(word.toLowerCase()) || !isNameWord(word)) break;
		name.push(word);
		i++;
	}
	// One capitalised word after no transfer word is more likely a shop or a month than a payer.
	const isName = name.length >= 2 || (sawTransferWord && name.length === 1);
	return { payerName: isName ? name.join(' ') : '', kid };
}
