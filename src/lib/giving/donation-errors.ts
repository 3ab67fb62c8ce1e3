import { m } from '$lib/paraglide/messages.js';
import { getLocale } from '$lib/paraglide/runtime.js';
import type { FieldError } from './donation-form.ts';
import { intlLocale } from '../locales.ts';
import { formatMoney } from '../money.ts';

/** A field error in the page's language, with amounts formatted the local way. */
export function fieldErrorText(error: FieldError): string {
	const locale = intlLocale(getLocale());
	switch (error.code) {
		case 'amount_below_minimum':
			return m.error_amount_below_minimum({
				minimum: formatMoney(error.minimumMinor, error.currency, locale)
			});
		case 'amount_above_maximum':
			return m.error_amount_above_maximum({
				maximum: formatMoney(error.maximumMinor, error.currency, locale)
			});
		case 'amount_required':
			return m.error_amount_required();
		case 'amount_not_a_number':
			return m.error_amount_not_a_number();
		case 'amount_too_many_decimals':
			return m.error_amount_too_many_decimals();
		case 'currency_unknown':
			return m.error_currency_unknown();
		case 'frequency_unknown':
			return m.error_frequency_unknown();
		case 'name_required':
			return m.error_name_required();
		case 'name_too_long':
			return m.error_name_too_long();
		case 'email_required':
			return m.error_email_required();
		case 'email_invalid':
			return m.error_email_invalid();
		case 'dedication_too_long':
			return m.error_dedication_too_long();
	}
}
