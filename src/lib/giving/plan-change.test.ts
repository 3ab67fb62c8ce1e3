import { describe, expect, it } from 'vitest';
import { changeSearchParams, hasChangeArrived, readRequestedChange } from './plan-change.ts';

describe('a requested plan change in the address', () => {
	it('reads back what was written', () => {
		for (const change of [
			{ kind: 'amount', amountMinor: 25000 },
			{ kind: 'paused' },
			{ kind: 'resumed' },
			{ kind: 'canceled' }
		] as const) {
			expect(readRequestedChange(changeSearchParams(change))).toEqual(change);
		}
	});

	it('ignores what it does not understand', () => {
		expect(readRequestedChange(new URLSearchParams(''))).toBeNull();
		expect(readRequestedChange(new URLSearchParams('change=refund'))).toBeNull();
		expect(readRequestedChange(new URLSearchParams('change=amount&amount=-5'))).toBeNull();
		expect(readRequestedChange(new URLSearchParams('change=amount&amount=12.5'))).toBeNull();
	});

	it('has arrived only once the plan shows it', () => {
		const plan = { amountMinor: 20000, status: 'active' } as const;
		expect(hasChangeArrived({ kind: 'amount', amountMinor: 25000 }, plan)).toBe(false);
		expect(hasChangeArrived({ kind: 'amount', amountMinor: 20000 }, plan)).toBe(true);
		expect(hasChangeArrived({ kind: 'paused' }, plan)).toBe(false);
		expect(hasChangeArrived({ kind: 'paused' }, { ...plan, status: 'paused' })).toBe(true);
		expect(hasChangeArrived({ kind: 'resumed' }, { ...plan, status: 'paused' })).toBe(false);
		expect(hasChangeArrived({ kind: 'resumed' }, plan)).toBe(true);
		expect(hasChangeArrived({ kind: 'canceled' }, plan)).toBe(false);
		expect(hasChangeArrived({ kind: 'canceled' }, { ...plan, status: 'canceled' })).toBe(true);
	});
});
