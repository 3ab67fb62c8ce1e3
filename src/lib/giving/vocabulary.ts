import type { Locale } from '../locales.ts';
import { m } from '../paraglide/messages.js';

// The vocabulary of a gift, shared by the database schema, validation and the pages. "Gift" is
// the one word for money given, whatever the channel (the table is called `contribution`).
export const channels = ['card', 'bank_transfer', 'vipps', 'cash', 'other'] as const;
export type Channel = (typeof channels)[number];

export const contributionKinds = ['one_off', 'monthly'] as const;
export type ContributionKind = (typeof contributionKinds)[number];

export const contributionStatuses = [
	'pending',
	'succeeded',
	'failed',
	'refunded',
	'partially_refunded',
	'disputed',
	// A hand-recorded gift staff found to be wrong; kept, with its reason, out of every total.
	'voided'
] as const;
export type ContributionStatus = (typeof contributionStatuses)[number];

export const planStatuses = ['active', 'past_due', 'paused', 'canceled'] as const;
export type PlanStatus = (typeof planStatuses)[number];

// Their names, in one place for every page, email, PDF and export. A label takes the locale to
// write in when there is no request to take it from (the mail worker, documents); pages leave it
// out and get the page's language. Staff and givers read some states differently: staff see
// "Pending" and "Canceled", a giver "Processing" and "Ended".

type InLocale = { locale?: Locale };
const inLocale = (locale: Locale | undefined) => (locale ? { locale } : undefined);

const channelLabels: Record<Channel, (inputs: object, options?: InLocale) => string> = {
	card: m.gift_channel_card,
	bank_transfer: m.gift_channel_bank_transfer,
	vipps: m.gift_channel_vipps,
	cash: m.gift_channel_cash,
	other: m.gift_channel_other
};

export function channelLabel(channel: Channel, locale?: Locale): string {
	return channelLabels[channel]({}, inLocale(locale));
}

/** "One-off" / "Monthly"; `asGift` says "One-off gift" / "Monthly gift", as documents do. */
export function kindLabel(
	kind: ContributionKind,
	{ locale, asGift = false }: { locale?: Locale; asGift?: boolean } = {}
): string {
	const options = inLocale(locale);
	if (asGift) {
		return kind === 'monthly'
			? m.gift_kind_monthly_gift({}, options)
			: m.gift_kind_one_off_gift({}, options);
	}
	return kind === 'monthly' ? m.gift_kind_monthly({}, options) : m.gift_kind_one_off({}, options);
}

/** Who reads the label: staff, or the giver on their own pages. */
export type Audience = 'staff' | 'giver';

type Label = (inputs?: object, options?: InLocale) => string;

const staffStatusLabels: Record<ContributionStatus, Label> = {
	pending: m.gift_status_pending,
	succeeded: m.gift_status_succeeded,
	failed: m.gift_status_failed,
	refunded: m.gift_status_refunded,
	partially_refunded: m.gift_status_partially_refunded,
	disputed: m.gift_status_disputed,
	voided: m.gift_status_voided
};

const giverStatusLabels: Record<ContributionStatus, Label> = {
	pending: m.gift_status_for_giver_pending,
	succeeded: m.gift_status_for_giver_succeeded,
	failed: m.gift_status_for_giver_failed,
	refunded: m.gift_status_for_giver_refunded,
	partially_refunded: m.gift_status_for_giver_partially_refunded,
	disputed: m.gift_status_for_giver_disputed,
	// Never listed for a giver (staff voided it as a mistake); named like an unpaid gift if ever.
	voided: m.gift_status_for_giver_failed
};

export function statusLabel(
	status: ContributionStatus,
	audience: Audience = 'staff',
	locale?: Locale
): string {
	return (audience === 'giver' ? giverStatusLabels : staffStatusLabels)[status](
		{},
		inLocale(locale)
	);
}

export function planStatusLabel(status: PlanStatus, audience: Audience = 'staff'): string {
	if (status === 'canceled' && audience === 'giver') return m.plan_status_ended();
	return {
		active: m.plan_status_active,
		past_due: m.plan_status_past_due,
		paused: m.plan_status_paused,
		canceled: m.plan_status_canceled
	}[status]();
}
