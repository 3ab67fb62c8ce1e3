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
		.replace(/٬/g, ',') // Arabic thousands separator
		.replace(/[’']/g, ' ') // Swiss-style apostrophes group thousands
		.replace(/[\s\u00a0\u202f]+/g, ' ')
		.trim();
}

// What may stand before or after the number, per currency (lower case): its symbol, code and
// everyday names. Anything else ("50abc", "€15" on a krone form) is not an amount of it.
const currencyWords: Record<string, string[]> = {
	NOK: ['kr', 'kr.', ',-', 'nok', 'krone', 'kroner'],
	EUR: ['€', 'eur', 'euro', 'euros'],
	USD: ['$', 'us$', 'usd', 'dollar', 'dollars']
};

/** The decimal mark a language writes ("." in English, "," in bokmål), once normalised. */
function decimalMarkOf(locale: string): '.' | ',' {
	const parts = new Intl.NumberFormat(locale).formatToParts(1.5);
	return normaliseDigits(parts.find((part) => part.type === 'decimal')?.value ?? '.') === ','
		? ','
		: '.';
}

const decimalMarks = new Map<string, '.' | ','>();

/** Whether `whole` is digits, grouped by threes with `group` (or spaces) if grouped at all. */
function isGroupedByThrees(whole: string, group: string): boolean {
	if (/^\d+$/.test(whole)) return true;
	const groups = whole.split(new RegExp(`[ ${group === '.' ? '\\.' : group}]`));
	return /^\d{1,3}$/.test(groups[0]) && groups.slice(1).every((g) => /^\d{3}$/.test(g));
}

/**
 * Reads an amount as a supporter types it — "250", "250,50", "1 000", "1.000,50", "kr 250",
 * "۲۵۰" — into minor units, strictly: nothing but the number, its grouping and the currency's
 * own symbol or name. With the page's `locale`, that language's decimal mark decides ("10.001"
 * on an English page has three decimals; in bokmål "10.001" is ten thousand and one); the
 * other mark groups thousands, or, followed by just one or two digits, is read as the decimal
 * mark a visitor used to the other convention meant. Without a locale, a mark followed by
 * exactly three digits is taken as grouping.
 */
export function parseAmount(input: string, currency: string, locale?: string): AmountParseResult {
	const normalised = normaliseDigits(input);
	if (normalised === '') return { ok: false, reason: 'empty' };
	const words = currencyWords[currency] ?? [currency.toLowerCase()];
	const shape = /^(-)?\s*([^\d\s.,-]+)?\s*(-)?\s*(\d[\d ., ]*?)\s*([^\d\s]+)?$/u.exec(
		normalised.toLowerCase()
	);
	if (!shape) return { ok: false, reason: 'not_a_number' };
	const [, signBefore, prefix, signAfter, number, suffix] = shape;
	if (signBefore && signAfter) return { ok: false, reason: 'not_a_number' };
	for (const affix of [prefix, suffix]) {
		if (affix !== undefined && !words.includes(affix)) return { ok: false, reason: 'not_a_number' };
	}
	if (!/^\d[\d ., ]*$/.test(number) || /[ .,]{2}/.test(number) || /[.,]$/.test(number))
		return { ok: false, reason: 'not_a_number' };

	const split = splitDecimal(number, locale);
	if (!split) return { ok: false, reason: 'not_a_number' };
	let { fraction } = split;
	const digits = minorUnitDigits(currency);
	if (fraction.length > digits) {
		if (/^0*$/.test(fraction.slice(digits))) fraction = fraction.slice(0, digits);
		else return { ok: false, reason: 'too_many_decimals' };
	}
	const minorText = (split.whole || '0') + fraction.padEnd(digits, '0');
	if (minorText.replace(/^0+/, '').length > 15) return { ok: false, reason: 'too_large' };
	const isNegative = Boolean(signBefore || signAfter);
	return { ok: true, amountMinor: Number(minorText) * (isNegative ? -1 : 1) };
}

/** The whole digits and the fraction digits of a number as typed, or null if it is malformed. */
function splitDecimal(number: string, locale?: string): { whole: string; fraction: string } | null {
	const lastMark = Math.max(number.lastIndexOf('.'), number.lastIndexOf(','));
	if (lastMark < 0)
		return isGroupedByThrees(number, ' ')
			? { whole: number.replace(/ /g, ''), fraction: '' }
			: null;
	const mark = number[lastMark];
	const after = number.slice(lastMark + 1);
	const before = number.slice(0, lastMark);
	const isOnlyMark = !/[.,]/.test(before);
	let decimalMark: string | null;
	if (locale) {
		let localeMark = decimalMarks.get(locale);
		if (!localeMark) decimalMarks.set(locale, (localeMark = decimalMarkOf(locale)));
		if (mark === localeMark) decimalMark = mark;
		else decimalMark = isOnlyMark && after.length <= 2 ? mark : null;
	} else {
		const isGroupingMark = before.includes(mark) || (isOnlyMark && after.length === 3);
		decimalMark = isGroupingMark && !/[.,]/.test(before.replaceAll(mark, '')) ? null : mark;
	}
	if (decimalMark === null) {
		return isGroupedByThrees(number, mark)
			? { whole: number.replace(/[ .,]/g, ''), fraction: '' }
			: null;
	}
	if (!/^\d+$/.test(after) || before.includes(decimalMark)) return null;
	const group = decimalMark === '.' ? ',' : '.';
	if (!isGroupedByThrees(before, group)) return null;
	return { whole: before.replace(/[ .,]/g, ''), fraction: after };
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
