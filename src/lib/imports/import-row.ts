// What every import parser gives back: gifts read from a file, the rows it could not read (with
// their line), and how many rows it passed over on purpose. Pure: no SvelteKit, no database.
import { sha256 } from '@oslojs/crypto/sha2';
import { encodeHexLowerCase } from '@oslojs/encoding';
import { isSupportedCurrency, minorUnitDigits, parseAmount } from '../money.ts';

export const importFormats = ['camt053', 'bank_csv', 'vipps_csv'] as const;
export type ImportFormat = (typeof importFormats)[number];

export function isImportFormat(value: unknown): value is ImportFormat {
	return typeof value === 'string' && (importFormats as readonly string[]).includes(value);
}

/** One incoming gift as read from a file. */
export interface ImportRow {
	/** Where the row starts in the file (1-based), for people to find it. */
	line: number;
	/** YYYY-MM-DD */
	bookedOn: string;
	amountMinor: number;
	currency: string;
	/** The bank's or Vipps' id of the transaction: the key that makes a re-import add nothing. */
	transactionReference: string;
	payerName: string;
	email: string | null;
	phone: string | null;
	message: string;
	/** A Norwegian KID (customer reference) the payer quoted, or another structured reference. */
	kid: string | null;
	feeMinor: number | null;
	netMinor: number | null;
	/** The bank account the statement is for, when the file says (camt.053 does, CSV exports do not). */
	account: string | null;
}

export const malformedReasons = [
	'missing_date',
	'bad_date',
	'missing_amount',
	'bad_amount',
	'unknown_currency',
	'missing_reference',
	'bad_email',
	'bad_fee'
] as const;
export type MalformedReason = (typeof malformedReasons)[number];

export interface MalformedRow {
	line: number;
	reason: MalformedReason;
}

/** Rows passed over on purpose: they are not gifts. */
export const skipReasons = ['outgoing', 'not_booked', 'reversal', 'not_a_sale'] as const;
export type SkipReason = (typeof skipReasons)[number];
export type SkippedCounts = Partial<Record<SkipReason, number>>;

/** Why a whole file could not be read. */
export const fileErrorReasons = [
	'empty',
	'not_xml',
	'doctype_not_allowed',
	'too_deep',
	'not_camt053',
	'no_columns',
	'mapping_incomplete',
	'vipps_columns_missing'
] as const;
export type FileErrorReason = (typeof fileErrorReasons)[number];

export interface FileError {
	reason: FileErrorReason;
	line?: number;
}

export interface ParsedImport {
	rows: ImportRow[];
	malformed: MalformedRow[];
	skipped: SkippedCounts;
	fileError: FileError | null;
}

export function countSkip(skipped: SkippedCounts, reason: SkipReason): void {
	skipped[reason] = (skipped[reason] ?? 0) + 1;
}

function isRealDate(year: number, month: number, day: number): boolean {
	const date = new Date(Date.UTC(year, month - 1, day));
	return (
		year >= 1900 &&
		year <= 2999 &&
		date.getUTCFullYear() === year &&
		date.getUTCMonth() === month - 1 &&
		date.getUTCDate() === day
	);
}

const pad = (n: number) => String(n).padStart(2, '0');

/**
 * A booking date as banks and Vipps write it — 2025-03-05, 05.03.2025, 05.03.25, 05/03/2025, with
 * or without a time after it — as YYYY-MM-DD; null when it is no real date. Day before month, as
 * in Norway: 05/03 is the fifth of March.
 */
export function parseBookingDate(text: string): string | null {
	const value = text.trim();
	let year: number, month: number, day: number;
	let match = /^(\d{4})-(\d{2})-(\d{2})(?:[T ][\d:.]+(?:Z|[+-]\d{2}:?\d{2})?)?$/.exec(value);
	if (match) {
		[year, month, day] = [Number(match[1]), Number(match[2]), Number(match[3])];
	} else {
		match = /^(\d{1,2})[./-](\d{1,2})[./-](\d{4}|\d{2})(?:[ T][\d:.]+)?$/.exec(value);
		if (!match) return null;
		[day, month, year] = [Number(match[1]), Number(match[2]), Number(match[3])];
		if (match[3].length === 2) year += 2000;
	}
	return isRealDate(year, month, day) ? `${year}-${pad(month)}-${pad(day)}` : null;
}

/**
 * An amount written the ISO way ("1500.00", as camt.053 does) into minor units, exactly: the
 * decimal string is split, never passed through a float.
 */
export function parseDecimalAmount(text: string, currency: string): number | null {
	const match = /^(-?)(\d+)(?:\.(\d+))?$/.exec(text.trim());
	if (!match) return null;
	const digits = minorUnitDigits(currency);
	let fraction = match[3] ?? '';
	if (fraction.length > digits) {
		if (!/^0*$/.test(fraction.slice(digits))) return null;
		fraction = fraction.slice(0, digits);
	}
	const minorText = (match[2] + fraction.padEnd(digits, '0')).replace(/^0+(?=\d)/, '');
	if (minorText.length > 15) return null;
	return Number(minorText) * (match[1] ? -1 : 1);
}

/**
 * An amount as a bank or Vipps export writes it — "1 500,00", "1.500,00", "-250,00", "1500.00",
 * "kr 250" — into minor units, or null. Uses the same exact reader as the appeal form.
 */
export function parseExportAmount(text: string, currency: string): number | null {
	const normalised = text.replace(/\u2212/g, '-').trim();
	// Some exports put the sign after the number: "250,00-".
	const signed = /^[^-]*\d-$/.test(normalised) ? `-${normalised.slice(0, -1)}` : normalised;
	const result = parseAmount(signed, currency);
	return result.ok ? result.amountMinor : null;
}

/** The ISO code, upper-cased; `fallback` when the cell is empty; null for a currency Komak does not keep. */
export function readCurrency(text: string | undefined, fallback: string): string | null {
	const code = (text ?? '').trim().toUpperCase() || fallback;
	return isSupportedCurrency(code) ? code : null;
}

/** Text from a file as we keep it: one line, no control characters, not endless. */
export function cleanText(text: string | undefined | null, maxLength = 500): string {
	return (text ?? '')
		.replace(/[\p{Cc}\p{Cf}]+/gu, ' ')
		.replace(/\s+/g, ' ')
		.trim()
		.slice(0, maxLength);
}

const emailShape = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

export type EmailReading = { ok: true; email: string | null } | { ok: false };

/** An email cell: empty is fine (null), a malformed address is not. */
export function readEmail(text: string | undefined): EmailReading {
	const email = cleanText(text, 320);
	if (!email) return { ok: true, email: null };
	return emailShape.test(email) ? { ok: true, email } : { ok: false };
}

/** A KID or other structured reference: spaces removed; null when empty. */
export function readKid(text: string | undefined | null): string | null {
	const kid = cleanText(text, 100).replace(/\s+/g, '');
	return kid || null;
}

/** A short, stable reference for rows a file gives no id of its own (see bank-csv.ts). */
export function sha256Hex(text: string): string {
	return encodeHexLowerCase(sha256(new TextEncoder().encode(text)));
}
