import { m } from '$lib/paraglide/messages.js';
import { getLocale } from '$lib/paraglide/runtime.js';
import type { FilterErrorCode } from './filters.ts';
import type { Channel, ContributionKind, ContributionStatus } from '../giving/vocabulary.ts';
import { declineReason } from '../giving/decline-reasons.ts';
import { intlLocale } from '../locales.ts';
import { formatMoney } from '../money.ts';

// How the admin lists and dashboard show their values, in the page's language. Dates are shown
// as the organisation lives them, in Norway.

const TIME_ZONE = 'Europe/Oslo';

const locale = () => intlLocale(getLocale());

export function formatDate(date: Date | string | null): string {
	if (!date) return '';
	return new Intl.DateTimeFormat(locale(), { dateStyle: 'medium', timeZone: TIME_ZONE }).format(
		new Date(date)
	);
}

export function formatDateTime(date: Date | string): string {
	return new Intl.DateTimeFormat(locale(), {
		dateStyle: 'medium',
		timeStyle: 'short',
		timeZone: TIME_ZONE
	}).format(new Date(date));
}

/** "2026-03" → "Mar 2026" / "mars 2026". */
export function formatMonth(month: string): string {
	return new Intl.DateTimeFormat(locale(), {
		month: 'short',
		year: 'numeric',
		timeZone: 'UTC'
	}).format(new Date(`${month}-01T00:00:00Z`));
}

export function formatCount(count: number): string {
	return new Intl.NumberFormat(locale()).format(count);
}

export function formatAmount(amountMinor: number, currency: string): string {
	return formatMoney(amountMinor, currency, locale());
}

export function channelName(channel: Channel): string {
	return {
		card: m.lists_channel_card,
		bank_transfer: m.lists_channel_bank_transfer,
		vipps: m.lists_channel_vipps,
		cash: m.lists_channel_cash,
		other: m.lists_channel_other
	}[channel]();
}

export function kindName(kind: ContributionKind): string {
	return kind === 'monthly' ? m.lists_kind_monthly() : m.lists_kind_one_off();
}

export function statusName(status: ContributionStatus): string {
	return {
		pending: m.lists_status_pending,
		succeeded: m.lists_status_succeeded,
		failed: m.lists_status_failed,
		refunded: m.lists_status_refunded,
		partially_refunded: m.lists_status_partially_refunded,
		disputed: m.lists_status_disputed,
		voided: m.lists_status_voided
	}[status]();
}

/** An erased supporter's name is gone; one who never gave a name is still someone. */
export function supporterName(supporter: { name: string; isErased: boolean }): string {
	if (supporter.isErased) return m.lists_erased_supporter();
	return supporter.name || m.lists_no_name();
}

export function filterErrorText(code: FilterErrorCode): string {
	return {
		invalid_choice: m.lists_error_invalid_choice,
		invalid_date: m.lists_error_invalid_date,
		date_order: m.lists_error_date_order,
		invalid_amount: m.lists_error_invalid_amount,
		amount_order: m.lists_error_amount_order,
		invalid_currency: m.lists_error_invalid_currency,
		invalid_id: m.lists_error_invalid_id,
		invalid_cursor: m.lists_error_invalid_cursor,
		too_long: m.lists_error_too_long
	}[code]();
}

/** "1,234" or "more than 5,000". */
export function formatCappedCount(count: { value: number; isMore: boolean }): string {
	return count.isMore
		? m.lists_count_more_than({ count: formatCount(count.value) })
		: formatCount(count.value);
}

/** A card decline code (as Stripe gives it) in words for staff; empty when there is none. */
export function declineReasonName(code: string | null): string {
	const reason = declineReason(code);
	if (!reason) return '';
	return {
		insufficient_funds: m.failed_payment_reason_insufficient_funds,
		expired_card: m.failed_payment_reason_expired_card,
		incorrect_details: m.failed_payment_reason_incorrect_details,
		limit_exceeded: m.failed_payment_reason_limit_exceeded,
		authentication_required: m.failed_payment_reason_authentication_required,
		card_not_supported: m.failed_payment_reason_card_not_supported,
		temporary_problem: m.failed_payment_reason_temporary_problem,
		card_blocked: m.failed_payment_reason_card_blocked,
		declined: m.failed_payment_reason_declined
	}[reason]();
}
