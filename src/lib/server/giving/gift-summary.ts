import type { Contribution } from '../db/schema.ts';

// A gift as every list of gifts shows it (the supporter's timeline, the contribution list, /my,
// statements and receipts): one mapping from the database row, which each list extends with the
// columns of its own.

export type GiftSummaryRow = Pick<
	Contribution,
	| 'id'
	| 'received_at'
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
		channel: row.channel,
		kind: row.kind,
		amountMinor: row.amount_minor,
		currency: row.currency,
		refundedMinor: row.refunded_minor,
		status: row.status
	};
}
