// Money is an integer count of the currency's minor unit (øre, cent) with an ISO 4217 code.
// Floats never hold an amount; Intl formats one only at the edge, from an exact decimal string.

export const supportedCurrencies = ['NOK', 'EUR', 'USD'] as const;
export type Currency = (typeof supportedCurrencies)[number];

export interface Money {
	amountMinor: number;
	currency: string;
}

export function isSupportedCurrency(value: unknown): value is Currency {
	return typeof value === 'string' && (supportedCurrencies as readonly string[]).includes(value);
}

const digitsCache = new Map<string, number>();

/** How many decimals the currency's minor unit has (2 for NOK, EUR and USD, 0 for JPY). */
export function minorUnitDigits(currency: string): number {
	let digits = digitsCache.get(currency);
	if (digits === undefined) {
		digits = new Intl.NumberFormat('en', { style: 'currency', currency }).resolvedOptions()
			.maximumFractionDigits as number;
		digitsCache.set(currency, digits);
	}
	return digits;
}

/** The exact decimal string of an amount: 25050 NOK → "250.50". */
export function toDecimalString(amountMinor: number, currency: string): string {
	if (!Number.isSafeInteger(amountMinor))
		throw new RangeError(`not an integer amount: ${amountMinor}`);
	const digits = minorUnitDigits(currency);
	const sign = amountMinor < 0 ? '-' : '';
	const text = Math.abs(amountMinor)
		.toString()
		.padStart(digits + 1, '0');
	if (digits === 0) return sign + text;
	return `${sign}${text.slice(0, -digits)}.${text.slice(-digits)}`;
}

/** The amount as a person types it: "250" for a whole amount, "12.50" otherwise. */
export function toInputString(amountMinor: number, currency: string): string {
	const decimal = toDecimalString(amountMinor, currency);
	return decimal.includes('.') ? decimal.replace(/\.0+$/, '') : decimal;
}

const formatterCache = new Map<string, Intl.NumberFormat>();

function currencyFormatter(locale: string, currency: string, showMinor: boolean) {
	const key = `${locale}|${currency}|${showMinor}`;
	let formatter = formatterCache.get(key);
	if (!formatter) {
		formatter = new Intl.NumberFormat(locale, {
			style: 'currency',
			currency,
			...(showMinor ? {} : { minimumFractionDigits: 0, maximumFractionDigits: 0 })
		});
		formatterCache.set(key, formatter);
	}
	return formatter;
}

/** "kr 250", "250,50 kr", "€15", "۲۵۰ NOK" — whole amounts without decimals, in the locale's digits. */
export function formatMoney(amountMinor: number, currency: string, locale: string): string {
	const digits = minorUnitDigits(currency);
	const isWhole = amountMinor % 10 ** digits === 0;
	// Intl accepts an exact decimal string, so no float ever carries the amount.
	const decimal = toDecimalString(amountMinor, currency) as unknown as number;
	return currencyFormatter(locale, currency, !isWhole).format(decimal);
}

const percentFormatters = new Map<string, Intl.NumberFormat>();

/** A rate in basis points as the locale writes a percentage: 240 → "2.4%", "2,4 %", "٪۲٫۴". */
export function formatPercent(basisPoints: number, locale: string): string {
	let formatter = percentFormatters.get(locale);
	if (!formatter) {
		formatter = new Intl.NumberFormat(locale, { style: 'percent', maximumFractionDigits: 2 });
		percentFormatters.set(locale, formatter);
	}
	return formatter.format(basisPoints / 10_000);
}

export type AmountParseResult =
	| { ok: true; amountMinor: number }
	| { ok: false; reason: 'empty' | 'not_a_number' | 'too_many_decimals' | 'too_large' };

// Pashto and Dari readers may type Eastern Arabic or Persian digits and separators.
const easternDigits: Record<string, string> = {};
'٠١٢٣٤٥٦٧٨٩'.split('').forEach((d, i) => (easternDigits[d] = String(i)));
'۰۱۲۳۴۵۶۷۸۹'.split('').forEach((d, i) => (easternDigits[d] = String(i)));

function normaliseDigits(input: string): string {
	return input
		.replace(/[٠-٩۰-۹]/g, (d) => easternDigits[d])
		.replace(/٫/g, '.') // Arabic decimal separator
		.replace(/[٬'’]/g, ' ') // Arabic thousands separator and Swiss-style apostrophes
		.replace(/[\s\u00a0\u202f]+/g, ' ')
		.trim();
}

/**
 * Reads an amount as a supporter types it — "250", "250,50", "1 000", "1.000,50", "€ 15", "۲۵۰" —
 * into minor units. A separator followed by exactly three digits is taken as grouping.
 */
export function parseAmount(input: string, currency: string): AmountParseResult {
	const text = normaliseDigits(input)
		// a currency symbol or code before or after the number: "kr 250", "15 EUR", "€15"
		.replace(/^[^\d\s.,-]+/, '')
		.replace(/[^\d\s.,]+$/, '')
		.trim();
	if (text === '')
		return input.trim() === ''
			? { ok: false, reason: 'empty' }
			: { ok: false, reason: 'not_a_number' };
	if (!/^-?[\d.,\s]*\d[\d.,\s]*$/.test(text)) return { ok: false, reason: 'not_a_number' };

	const compact = text.replace(/\s/g, '');
	const lastSeparator = Math.max(compact.lastIndexOf(','), compact.lastIndexOf('.'));
	let whole = compact;
	let fraction = '';
	if (lastSeparator >= 0) {
		const after = compact.slice(lastSeparator + 1);
		const separator = compact[lastSeparator];
		const appearsOnce = compact.indexOf(separator) === lastSeparator;
		const otherSeparatorBefore = /[.,]/.test(
			compact.slice(0, lastSeparator).replaceAll(separator, '')
		);
		const isDecimal = otherSeparatorBefore || (appearsOnce && after.length !== 3);
		if (isDecimal) {
			whole = compact.slice(0, lastSeparator);
			fraction = after;
		}
		// Grouping separators stand between groups of three digits: "1.000.000", not "1,2,3".
		if (/[.,]/.test(whole) && !/^-?\d{1,3}([.,]\d{3})*$/.test(whole))
			return { ok: false, reason: 'not_a_number' };
		whole = whole.replace(/[.,]/g, '');
		if (!/^-?\d*$/.test(whole) || !/^\d*$/.test(fraction))
			return { ok: false, reason: 'not_a_number' };
	}
	const digits = minorUnitDigits(currency);
	if (fraction.length > digits) {
		if (/^0*$/.test(fraction.slice(digits))) fraction = fraction.slice(0, digits);
		else return { ok: false, reason: 'too_many_decimals' };
	}
	const negative = whole.startsWith('-');
	const minorText = (whole.replace('-', '') || '0') + fraction.padEnd(digits, '0');
	if (minorText.replace(/^0+/, '').length > 15) return { ok: false, reason: 'too_large' };
	const amountMinor = Number(minorText) * (negative ? -1 : 1);
	return { ok: true, amountMinor };
}

/**
 * What to add so that, after the card fee (a percentage in basis points plus a fixed part), the
 * whole gift arrives: total = ceil((gift + fixed) / (1 - rate)).
 */
export function cardFeeTopUp(amountMinor: number, basisPoints: number, fixedMinor: number): number {
	if (amountMinor <= 0) return 0;
	const total = Math.ceil(((amountMinor + fixedMinor) * 10_000) / (10_000 - basisPoints));
	return total - amountMinor;
}
