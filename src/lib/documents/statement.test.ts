import { describe, expect, it } from 'vitest';
import { countedAmount, statementTotals, type StatementGift } from './statement.ts';

let next = 0;
function gift(fields: Partial<StatementGift>): StatementGift {
	return {
		id: `gift-${++next}`,
		receivedAt: new Date('2026-05-01T10:00:00Z'),
		channel: 'card',
		kind: 'one_off',
		amountMinor: 10_000,
		refundedMinor: 0,
		currency: 'NOK',
		status: 'succeeded',
		receiptNumber: null,
		...fields
	};
}

describe('year-end statement totals', () => {
	it('adds each currency on its own, never across currencies', () => {
		const totals = statementTotals([
			gift({ amountMinor: 25_000 }),
			gift({ amountMinor: 15_050, channel: 'vipps' }),
			gift({ amountMinor: 1_500, currency: 'EUR' })
		]);
		expect(totals).toEqual([
			{ currency: 'EUR', totalMinor: 1_500, count: 1 },
			{ currency: 'NOK', totalMinor: 40_050, count: 2 }
		]);
	});

	it('leaves refunded and disputed gifts out and counts what was kept of a partly refunded one', () => {
		const partly = gift({
			amountMinor: 50_000,
			refundedMinor: 20_000,
			status: 'partially_refunded'
		});
		expect(countedAmount(partly)).toBe(30_000);
		const totals = statementTotals([
			gift({ amountMinor: 10_000 }),
			gift({ amountMinor: 99_900, refundedMinor: 99_900, status: 'refunded' }),
			gift({ amountMinor: 7_700, status: 'disputed' }),
			partly
		]);
		expect(totals).toEqual([{ currency: 'NOK', totalMinor: 40_000, count: 2 }]);
	});

	it('has no total at all for a currency whose every gift was refunded', () => {
		expect(
			statementTotals([gift({ currency: 'USD', status: 'refunded', refundedMinor: 10_000 })])
		).toEqual([]);
	});
});
