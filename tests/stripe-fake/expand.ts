import { invalid, list } from './http.ts';
import { invoicePayments } from './invoices.ts';
import { apiList, findObject, snapshot, type FakeState } from './state.ts';

type Node = Record<string, unknown>;

/** Fields Stripe leaves out unless they are expanded, computed on request. */
function includable(state: FakeState, node: Node, field: string): unknown {
	const id = String(node.id);
	if (node.object === 'checkout.session' && field === 'line_items') {
		const items = state.sessionExtras.get(id)?.lineItems ?? [];
		return apiList(snapshot(items), `/v1/checkout/sessions/${id}/line_items`);
	}
	if (node.object === 'invoice' && field === 'payments')
		return snapshot(invoicePayments(state, id));
	if (node.object === 'charge' && field === 'refunds') {
		const refunds = [...state.objects.refunds.values()].filter((r) => r.charge === id);
		return apiList(snapshot(refunds), `/v1/charges/${id}/refunds`);
	}
	return undefined;
}

function expandPath(state: FakeState, node: unknown, path: string[], full: string): void {
	if (Array.isArray(node)) {
		for (const element of node) expandPath(state, element, path, full);
		return;
	}
	if (typeof node !== 'object' || node === null || path.length === 0) return;
	const [field, ...rest] = path;
	const object = node as Node;
	let value = object[field];
	if (value === undefined) {
		value = includable(state, object, field);
		if (value === undefined) throw invalid(`This property cannot be expanded (${full}).`, 'expand');
		object[field] = value;
	}
	if (typeof value === 'string') {
		const found = findObject(state, value);
		if (!found) throw invalid(`This property cannot be expanded (${full}).`, 'expand');
		value = snapshot(found);
		object[field] = value;
	}
	expandPath(state, value, rest, full);
}

/**
 * Applies `expand[]` to a response, replacing ids with the objects they name, at any depth
 * (`payment_intent.latest_charge.balance_transaction`) and through lists (`data.customer`).
 */
export function expand<T>(state: FakeState, response: T, paths: unknown): T {
	const result = snapshot(response);
	for (const path of list(paths as string[] | undefined, 'expand')) {
		if (typeof path !== 'string') throw invalid('Invalid array', 'expand');
		const segments = path.split('.');
		if (segments.filter((s) => s !== 'data').length > 4) {
			throw invalid(`You cannot expand more than 4 levels of a property (${path}).`, 'expand');
		}
		expandPath(state, result, segments, path);
	}
	return result;
}
