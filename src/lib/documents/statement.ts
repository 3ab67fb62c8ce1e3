import type { Channel, ContributionKind, ContributionStatus } from '../giving/vocabulary.ts';

// What a year-end statement counts. Every gift the supporter gave that year is listed, refunded
// and disputed ones too, so nothing is hidden from them; only what the organisation kept counts
// in the totals, one total per currency (never added across currencies). Voided entries (staff's
// mistakes), and pending or failed payments, were never gifts and are not listed at all.

export const statementStatuses = [
	'succeeded',
	'partially_refunded',
	'refunded',
	'disputed'
] as const satisfies readonly ContributionStatus[];

export interface StatementGift {
	id: string;
	receivedAt: Date;
	channel: Channel;
	kind: ContributionKind;
	amountMinor: number;
	refundedMinor: number;
	currency: string;
	status: ContributionStatus;
	receiptNumber: number | null;
}

export interface StatementTotal {
	currency: string;
	totalMinor: number;
	/** Gifts that count towards the total. */
	count: number;
}

/** What a gift adds to its currency's total: a partly refunded gift counts what was kept. */
export function countedAmount(
	gift: Pick<StatementGift, 'status' | 'amountMinor' | 'refundedMinor'>
): number {
	if (gift.status === 'succeeded') return gift.amountMinor;
	if (gift.status === 'partially_refunded')
		return Math.max(0, gift.amountMinor - gift.refundedMinor);
	return 0;
}

export function statementTotals(gifts: StatementGift[]): StatementTotal[] {
	const totals = new Map<string, StatementTotal>();
	for (const gift of gifts) {
		if (countedAmount(gift) === 0) continue;
		const total = totals.get(gift.currency) ?? { currency: gift.currency, totalMinor: 0, count: 0 };
		total.totalMinor += countedAmount(gift);
		total.count += 1;
		totals.set(gift.currency, total);
	}
	return [...totals.values()].sort((a, b) => a.currency.localeCompare(b.currency));
}
