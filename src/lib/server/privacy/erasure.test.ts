import { describe, expect, it } from 'vitest';
import { ERASED_MARK, redactPersonalData } from './erasure.ts';

describe('audit entries of an erased supporter', () => {
	it('lose every personal value, wherever it sits, and keep the rest', () => {
		const entry = {
			kept: { id: 'a', name: 'Laila', email: 'laila@example.com', tags: ['press'] },
			other: { id: 'b', name: '', phone: null, notes: 'Prefers Dari.' },
			movedContributionIds: ['c1', 'c2'],
			history: [{ reference: '1234', amount_minor: 25000 }]
		};
		expect(redactPersonalData(entry)).toEqual({
			kept: { id: 'a', name: ERASED_MARK, email: ERASED_MARK, tags: ERASED_MARK },
			other: { id: 'b', name: '', phone: null, notes: ERASED_MARK },
			movedContributionIds: ['c1', 'c2'],
			history: [{ reference: ERASED_MARK, amount_minor: 25000 }]
		});
	});

	it('leave plain values alone', () => {
		expect(redactPersonalData(null)).toBeNull();
		expect(redactPersonalData('text')).toBe('text');
	});
});
