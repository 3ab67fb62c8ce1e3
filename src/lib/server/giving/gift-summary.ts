import type { Contribution } from '../db/schema.ts';

// A gift as every list of gifts shows it (the supporter's timeline, the contribution list, /my,
// statements and receipts): one mapping from the database row, which each list extends with the
// columns of its own.

export type GiftSummaryRow = Pick<
	Contribution,
	| 'id'
	| 'received_at'
	| 'is_date_only'
	| 'channel'
	| 'kind'
	| 'amount_minor'
	| 'currency'
	| 'refunded_minor'
	| 'status'
>;

export interface GiftSummary {
	id: string;
	receivedAt: Date;
	/** Only the day is known: lists show the date and no time. */
	isDateOnly: boolean;
	channel: Contribution['channel'];
	kind: Contribution['kind'];
	amountMinor: number;
	currency: string;
	refundedMinor: number;
	status: Contribution['status'];
}

export function toGiftSummary(row: GiftSummaryRow): GiftSummary {
	return {
		id: row.id,
		receivedAt: row.received_at,
		isDateOnly: row.is_date_only,
		channel: row.channel,
		kind: row.kind,
		amountMinor: row.amount_minor,
		currency: row.currency,
		refundedMinor: row.refunded_minor,
		status: row.status
	};
}
