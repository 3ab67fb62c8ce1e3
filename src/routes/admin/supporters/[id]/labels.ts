import { m } from '$lib/paraglide/messages';
import { getLocale } from '$lib/paraglide/runtime';
import { intlLocale } from '$lib/locales';
import { formatMoney } from '$lib/money';
import type { SupporterFieldError } from '$lib/supporters/supporter-form';

// The words and formats the supporter pages share, in the page's language.

export function fieldErrorText(error: SupporterFieldError): string {
	return {
		name_too_long: m.supporters_error_name_too_long,
		email_invalid: m.supporters_error_email_invalid,
		email_taken: m.supporters_error_email_taken,
		phone_invalid: m.supporters_error_phone_invalid,
		country_invalid: m.supporters_error_country_invalid,
		locale_unknown: m.supporters_error_locale_unknown,
		reference_invalid: m.supporters_error_reference_invalid,
		reference_taken: m.supporters_error_reference_taken,
		tag_too_long: m.supporters_error_tag_too_long,
		too_many_tags: m.supporters_error_too_many_tags,
		notes_too_long: m.supporters_error_notes_too_long
	}[error]();
}

/** A supporter's name for headings; erased and walk-in supporters may have none. */
export function displayName(name: string): string {
	return name.trim() || m.supporters_unnamed();
}

export function money(amountMinor: number, currency: string): string {
	return formatMoney(amountMinor, currency, intlLocale(getLocale()));
}
