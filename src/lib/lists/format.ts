import { m } from '$lib/paraglide/messages.js';
import { getLocale } from '$lib/paraglide/runtime.js';
import type { ContributionFilterField, FilterErrorCode, SupporterFilterField } from './filters.ts';
import { declineReason } from '../giving/decline-reasons.ts';
import { intlLocale } from '../locales.ts';
import { formatMoney } from '../money.ts';

// How the admin lists and dashboard show their values, in the page's language. Dates come from
// $lib/dates and the names of channels, kinds and statuses from the gift vocabulary.

const locale = () => intlLocale(getLocale());

export function formatCount(count: number): string {
	return new Intl.NumberFormat(locale()).format(count);
}

export function formatAmount(amountMinor: number, currency: string): string {
	return formatMoney(amountMinor, currency, locale());
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

/** The filters of the admin lists, each with the label it has in the filter form. */
const filterLabels = {
	channel: m.lists_filter_channel,
	kind: m.lists_filter_kind,
	status: m.lists_filter_status,
	currency: m.lists_filter_currency,
	from: m.lists_filter_from,
	to: m.lists_filter_to,
	amount_min: m.lists_filter_amount_min,
	amount_max: m.lists_filter_amount_max,
	monthly: m.lists_filter_monthly,
	last_gift_from: m.lists_filter_last_gift_from,
	last_gift_to: m.lists_filter_last_gift_to,
	total_min: m.lists_filter_total_min,
	total_max: m.lists_filter_total_max,
	tag: m.lists_filter_tag,
	campaign: m.campaigns_gift_campaign,
	contact: m.lists_filter_contact
} satisfies Partial<Record<ContributionFilterField | SupporterFilterField, () => string>>;

export type FilterName = keyof typeof filterLabels;

export function filterLabel(name: FilterName): string {
	return filterLabels[name]();
}

/** The options of a yes/no filter ("Active monthly gift", "May be contacted"). */
export function yesNoOptions(): { value: 'yes' | 'no'; label: string }[] {
	return [
		{ value: 'yes', label: m.lists_yes() },
		{ value: 'no', label: m.lists_no() }
	];
}

/** A select's options from a list of values, each shown by its label. */
export function optionsOf<Value extends string>(
	values: readonly Value[],
	label: (value: Value) => string = (value) => value
): { value: Value; label: string }[] {
	return values.map((value) => ({ value, label: label(value) }));
}
