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

// The words and formats of "My giving", in the page's language.

export function channelLabel(channel: Channel): string {
	return {
		card: m.my_channel_card,
		bank_transfer: m.my_channel_bank_transfer,
		vipps: m.my_channel_vipps,
		cash: m.my_channel_cash,
		other: m.my_channel_other
	}[channel]();
}

export function kindLabel(kind: ContributionKind): string {
	return kind === 'monthly' ? m.my_kind_monthly() : m.my_kind_one_off();
}

export function giftStatusLabel(status: ContributionStatus): string {
	return {
		pending: m.my_gift_status_pending,
		succeeded: m.my_gift_status_succeeded,
		failed: m.my_gift_status_failed,
		refunded: m.my_gift_status_refunded,
		partially_refunded: m.my_gift_status_partially_refunded,
		disputed: m.my_gift_status_disputed,
		// Never listed on /my (staff voided it as a mistake); named like an unpaid gift if ever.
		voided: m.my_gift_status_failed
	}[status]();
}

export function planStatusLabel(status: PlanStatus): string {
	return {
		active: m.my_plan_status_active,
		past_due: m.my_plan_status_past_due,
		paused: m.my_plan_status_paused,
		canceled: m.my_plan_status_canceled
	}[status]();
}

export function money(amountMinor: number, currency: string): string {
	return formatMoney(amountMinor, currency, intlLocale(getLocale()));
}

// Gregorian dates in the newsroom's time zone, whatever the language: gifts, receipts and the
// year-end statements all count in calendar years.
const dateFormats = new Map<string, Intl.DateTimeFormat>();

export function formatDate(date: Date | string): string {
	const locale = intlLocale(getLocale());
	let format = dateFormats.get(locale);
	if (!format) {
		format = new Intl.DateTimeFormat(locale, {
			dateStyle: 'medium',
			calendar: 'gregory',
			timeZone: 'Europe/Oslo'
		});
		dateFormats.set(locale, format);
	}
	return format.format(typeof date === 'string' ? new Date(date) : date);
}

/** A count or a year in the language's digits, without grouping: "2026", "۲۰۲۶". */
export function formatNumber(value: number): string {
	return new Intl.NumberFormat(intlLocale(getLocale()), { useGrouping: false }).format(value);
}
