// A supporter's personal KID (kundeidentifikasjon): the number a Norwegian bank transfer quotes so
// the gift finds its giver. Every supporter gets one, from a sequence that never goes back, so a
// KID is never reused — not after a merge, not after an erasure.
//
// Shape: KID_LENGTH digits, the last a MOD10 (Luhn) check digit over the others, which is what
// Norwegian banks check when a payer types it (a KID agreement "MOD10"). The database computes the
// same digit (migrations/20261206220500_supporter_kid.ts); the tests hold the two together.

/** Digits in a personal KID, check digit included. */
export const KID_LENGTH = 8;
/** The first number the sequence hands out: the first KID is 10000008. */
export const FIRST_KID_NUMBER = 1_000_000;

/** The MOD10 (Luhn) check digit of a string of digits. */
export function mod10CheckDigit(digits: string): number {
	if (!/^\d+$/.test(digits)) throw new Error('A check digit is computed over digits only');
	let sum = 0;
	for (let i = 0; i < digits.length; i++) {
		// The rightmost digit is doubled, then every second one leftwards.
		const digit = Number(digits[digits.length - 1 - i]);
		const weighted = i % 2 === 0 ? digit * 2 : digit;
		sum += weighted > 9 ? weighted - 9 : weighted;
	}
	return (10 - (sum % 10)) % 10;
}

/** The KID for the sequence's nth number: the number, then its check digit. */
export function kidForNumber(number: number): string {
	const body = String(number);
	if (!Number.isSafeInteger(number) || number < 0 || body.length !== KID_LENGTH - 1) {
		throw new RangeError(`A personal KID needs a number of ${KID_LENGTH - 1} digits`);
	}
	return body + mod10CheckDigit(body);
}

/** A KID as typed ("1000 0008", "10000009 ") with spaces, dots and dashes removed. */
export function compactKid(text: string): string {
	return text.replace(/[\s.-]/g, '');
}

/** True for a KID of any length (2–25 digits, as the banks allow) whose MOD10 digit is right. */
export function isValidMod10Kid(text: string): boolean {
	const kid = compactKid(text);
	if (!/^\d{2,25}$/.test(kid)) return false;
	return mod10CheckDigit(kid.slice(0, -1)) === Number(kid.at(-1));
}

/** True for a well-formed personal KID as Komak hands them out. */
export function isPersonalKid(text: string): boolean {
	const kid = compactKid(text);
	return kid.length === KID_LENGTH && isValidMod10Kid(kid);
}

/** A personal KID as printed for people: "1000 0008", easier to read and type. */
export function formatKid(kid: string): string {
	return kid.replace(/(\d{4})(?=\d)/g, '$1 ');
}
