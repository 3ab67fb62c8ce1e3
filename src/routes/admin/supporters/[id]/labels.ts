import { m } from '$lib/paraglide/messages';
import { getLocale } from '$lib/paraglide/runtime';
import type {
	Channel,
	ContributionKind,
	ContributionStatus,
	PlanStatus
} from '$lib/giving/vocabulary';
import { intlLocale } from '$lib/locales';
import { formatMoney } from '$lib/money';
import type { SupporterFieldError } from '$lib/supporters/supporter-form';

// The words and formats the supporter pages share, in the page's language.

export function channelLabel(channel: Channel): string {
	return {
		card: m.supporters_channel_card,
		bank_transfer: m.supporters_channel_bank_transfer,
		vipps: m.supporters_channel_vipps,
		cash: m.supporters_channel_cash,
		other: m.supporters_channel_other
	}[channel]();
}

export function kindLabel(kind: ContributionKind): string {
	return kind === 'monthly' ? m.supporters_kind_monthly() : m.supporters_kind_one_off();
}

export function statusLabel(status: ContributionStatus): string {
	return {
		pending: m.supporters_status_pending,
		succeeded: m.supporters_status_succeeded,
		failed: m.supporters_status_failed,
		refunded: m.supporters_status_refunded,
		partially_refunded: m.supporters_status_partially_refunded,
		disputed: m.supporters_status_disputed,
		voided: m.supporters_status_voided
	}[status]();
}

export function planStatusLabel(status: PlanStatus): string {
	return {
		active: m.supporters_plan_status_active,
		past_due: m.supporters_plan_status_past_due,
		paused: m.supporters_plan_status_paused,
		canceled: m.supporters_plan_status_canceled
	}[status]();
}

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

// Dates in the newsroom's own time zone, so the server's and the browser's text agree.
const dateFormats = new Map<string, Intl.DateTimeFormat>();

export function formatDate(date: Date | string): string {
	const locale = intlLocale(getLocale());
	let format = dateFormats.get(locale);
	if (!format) {
		format = new Intl.DateTimeFormat(locale, { dateStyle: 'medium', timeZone: 'Europe/Oslo' });
		dateFormats.set(locale, format);
	}
	return format.format(typeof date === 'string' ? new Date(date) : date);
}
