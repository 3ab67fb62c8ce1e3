import { describe, expect, it } from 'vitest';
import { visualRuns } from './bidi-runs.ts';

describe('visualRuns: a line as pieces from left to right', () => {
	it('keeps a left-to-right line whole', () => {
		expect(visualRuns('Receipt for your gift', 'ltr')).toEqual([
			{ text: 'Receipt for your gift', isRightToLeft: false }
		]);
	});

	it('puts a Dari label on the right of the Latin name that follows it', () => {
		expect(visualRuns('کمک‌کننده: Zarmina Ahmadi', 'rtl')).toEqual([
			{ text: 'Zarmina Ahmadi', isRightToLeft: false },
			{ text: 'کمک‌کننده: ', isRightToLeft: true }
		]);
	});

	it('keeps Pashto words in reading order inside their piece, for joining', () => {
		const [run] = visualRuns('د مرستې رسید', 'rtl');
		expect(run).toEqual({ text: 'د مرستې رسید', isRightToLeft: true });
	});

	it('keeps an isolated receipt number whole after Arabic script, and drops the isolates', () => {
		expect(visualRuns('د رسید شمېره: \u20662026-000123\u2069', 'rtl')).toEqual([
			{ text: '2026-000123', isRightToLeft: false },
			{ text: 'د رسید شمېره: ', isRightToLeft: true }
		]);
		// Without the isolate the algorithm splits it, as a browser would.
		expect(visualRuns('شمېره: 2026-000123', 'rtl').map((run) => run.text)).toEqual([
			'000123',
			'-',
			'2026',
			'شمېره: '
		]);
	});

	it('mirrors brackets that run right to left', () => {
		expect(visualRuns('مبلغ (کرون)', 'rtl')).toEqual([
			{ text: 'مبلغ )کرون(', isRightToLeft: true }
		]);
	});

	it('orders an English line with a Pashto name inside it', () => {
		expect(visualRuns('Given by زرمینه احمدی today', 'ltr')).toEqual([
			{ text: 'Given by ', isRightToLeft: false },
			{ text: 'زرمینه احمدی', isRightToLeft: true },
			{ text: ' today', isRightToLeft: false }
		]);
	});
});
