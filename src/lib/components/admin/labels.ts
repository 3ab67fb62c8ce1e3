import { m } from '$lib/paraglide/messages';
import type { Channel, ContributionStatus } from '$lib/giving/vocabulary';

// Names of the gift vocabulary in the page's language, for every admin page.

export function channelName(channel: Channel): string {
	return {
		card: m.admin_channel_card,
		bank_transfer: m.admin_channel_bank_transfer,
		vipps: m.admin_channel_vipps,
		cash: m.admin_channel_cash,
		other: m.admin_channel_other
	}[channel]();
}

export function statusName(status: ContributionStatus): string {
	return {
		pending: m.admin_status_pending,
		succeeded: m.admin_status_succeeded,
		failed: m.admin_status_failed,
		refunded: m.admin_status_refunded,
		partially_refunded: m.admin_status_partially_refunded,
		disputed: m.admin_status_disputed,
		voided: m.admin_status_voided
	}[status]();
}
