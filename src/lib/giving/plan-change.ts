import type { PlanStatus } from './vocabulary.ts';

// A change a supporter asked for on /my travels in the address of the page they land on
// (`?change=amount&amount=2000`), so that page can say honestly whether our records show it yet:
// they follow only once Stripe's event has arrived. Pure.

export type RequestedChange =
	| { kind: 'amount'; amountMinor: number }
	| { kind: 'paused' }
	| { kind: 'resumed' }
	| { kind: 'canceled' };

export function changeSearchParams(change: RequestedChange): URLSearchParams {
	const params = new URLSearchParams({ change: change.kind });
	if (change.kind === 'amount') params.set('amount', String(change.amountMinor));
	return params;
}

export function readRequestedChange(params: URLSearchParams): RequestedChange | null {
	const kind = params.get('change');
	if (kind === 'paused' || kind === 'resumed' || kind === 'canceled') return { kind };
	if (kind === 'amount') {
		const amount = params.get('amount') ?? '';
		return /^\d{1,15}$/.test(amount) ? { kind, amountMinor: Number(amount) } : null;
	}
	return null;
}

/** Whether the plan as we have it shows the change. */
export function hasChangeArrived(
	change: RequestedChange,
	plan: { amountMinor: number; status: PlanStatus }
): boolean {
	switch (change.kind) {
		case 'amount':
			return plan.amountMinor === change.amountMinor;
		case 'paused':
			return plan.status === 'paused';
		case 'resumed':
			return plan.status === 'active' || plan.status === 'past_due';
		case 'canceled':
			return plan.status === 'canceled';
	}
}
