// Norwegian national identity numbers as a supporter types them for the tax deduction
// (skattefradrag): the fødselsnummer and the D-nummer given to people without one. Both are
// 11 digits, DDMMYY IIICC: birth date, individual number (which with the year gives the century)
// and two mod-11 check digits (Skatteetaten's published weights). A D-nummer adds 4 to the first
// digit of the day. Pure: no database, no SvelteKit.

export type NorwegianIdKind = 'fnr' | 'dnr';

export type NorwegianIdProblem = 'empty' | 'not_digits' | 'length' | 'date' | 'check_digits';

export type NorwegianIdResult =
	| { ok: true; kind: NorwegianIdKind; number: string; birthDate: string }
	| { ok: false; problem: NorwegianIdProblem };

const FIRST_WEIGHTS = [3, 7, 6, 1, 8, 9, 4, 5, 2];
const SECOND_WEIGHTS = [5, 4, 3, 2, 7, 6, 5, 4, 3, 2];

// Eastern Arabic and Persian digits, as a Pashto or Dari keyboard types them.
const localDigits = /[٠-٩۰-۹]/g;
const toAsciiDigit = (d: string) => {
	const arabic = '٠١٢٣٤٥٦٧٨٩'.indexOf(d);
	return String(arabic >= 0 ? arabic : '۰۱۲۳۴۵۶۷۸۹'.indexOf(d));
};

/** The check digit for `digits` with `weights`, or null when none exists (remainder 1). */
function checkDigit(digits: string, weights: number[]): number | null {
	const sum = weights.reduce((total, weight, i) => total + weight * Number(digits[i]), 0);
	const digit = 11 - (sum % 11);
	if (digit === 11) return 0;
	return digit === 10 ? null : digit;
}

/** The full year from the two-digit year and the individual number, or null if unallocated. */
function birthYear(year: number, individual: number): number | null {
	if (individual <= 499) return 1900 + year;
	if (individual <= 749 && year >= 54) return 1800 + year;
	if (year <= 39) return 2000 + year;
	if (individual >= 900) return 1900 + year;
	return null;
}

function isRealDate(year: number, month: number, day: number): boolean {
	const date = new Date(Date.UTC(year, month - 1, day));
	return (
		date.getUTCFullYear() === year && date.getUTCMonth() === month - 1 && date.getUTCDate() === day
	);
}

/** Whether two check digits are right for the first nine digits. */
export function hasValidCheckDigits(number: string): boolean {
	const first = checkDigit(number, FIRST_WEIGHTS);
	if (first === null || first !== Number(number[9])) return false;
	const second = checkDigit(number, SECOND_WEIGHTS);
	return second !== null && second === Number(number[10]);
}

/**
 * Reads a fødselsnummer or D-nummer: spaces are allowed ("150765 00565"), as are Eastern Arabic
 * and Persian digits. A birth date after `today` is refused.
 */
export function parseNorwegianId(input: string, today: Date = new Date()): NorwegianIdResult {
	const number = input.replace(localDigits, toAsciiDigit).replace(/[\s\u00a0\u202f]/g, '');
	if (number === '') return { ok: false, problem: 'empty' };
	if (!/^\d+$/.test(number)) return { ok: false, problem: 'not_digits' };
	if (number.length !== 11) return { ok: false, problem: 'length' };

	const dayDigits = Number(number.slice(0, 2));
	const kind: NorwegianIdKind = dayDigits > 40 ? 'dnr' : 'fnr';
	const day = kind === 'dnr' ? dayDigits - 40 : dayDigits;
	const month = Number(number.slice(2, 4));
	const year = birthYear(Number(number.slice(4, 6)), Number(number.slice(6, 9)));
	if (year === null || !isRealDate(year, month, day)) return { ok: false, problem: 'date' };
	const birthDate = `${year}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`;
	if (birthDate > today.toISOString().slice(0, 10)) return { ok: false, problem: 'date' };
	if (!hasValidCheckDigits(number)) return { ok: false, problem: 'check_digits' };
	return { ok: true, kind, number, birthDate };
}

/** The number with all but its last two digits hidden, grouped as it is written: "•••••• •••65". */
export function maskNorwegianId(lastDigits: string): string {
	return `•••••• •••${lastDigits}`;
}
