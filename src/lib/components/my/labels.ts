import { getLocale } from '$lib/paraglide/runtime';
import { intlLocale } from '$lib/locales';
import { formatMoney } from '$lib/money';

// The words and formats of "My giving", in the page's language.

export function money(amountMinor: number, currency: string): string {
	return formatMoney(amountMinor, currency, intlLocale(getLocale()));
}

/** A count or a year in the language's digits, without grouping: "2026", "۲۰۲۶". */
export function formatNumber(value: number): string {
	return new Intl.NumberFormat(intlLocale(getLocale()), { useGrouping: false }).format(value);
}
