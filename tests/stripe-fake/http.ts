import type { IncomingMessage, ServerResponse } from 'node:http';

/**
 * A request parameter type as it arrives form-encoded: numbers and booleans are strings, and
 * nothing is guaranteed to be present. Typing parsed bodies as `Form<Stripe.XCreateParams>` lets
 * the compiler check parameter names against the SDK. (`null` is how Stripe's "empty" values
 * arrive: as an empty string.)
 */
export type Form<T> = T extends undefined
	? undefined
	: T extends null
		? ''
		: T extends string
			? T
			: T extends number | boolean
				? string
				: T extends ReadonlyArray<infer U>
					? Form<U>[]
					: T extends object
						? { [K in keyof T]?: Form<T[K]> }
						: string;

export type Params = Record<string, unknown>;

type StripeErrorType = 'invalid_request_error' | 'api_error' | 'card_error' | 'idempotency_error';

/** An error answered with Stripe's JSON error shape. */
export class ApiError extends Error {
	status: number;
	type: StripeErrorType;
	code: string | undefined;
	param: string | undefined;

	constructor(
		status: number,
		message: string,
		extra: { type?: StripeErrorType; code?: string; param?: string } = {}
	) {
		super(message);
		this.status = status;
		this.type = extra.type ?? 'invalid_request_error';
		this.code = extra.code;
		this.param = extra.param;
	}

	toJSON(): { error: Record<string, string> } {
		const error: Record<string, string> = { type: this.type, message: this.message };
		if (this.code) error.code = this.code;
		if (this.param) error.param = this.param;
		return { error };
	}
}

export const invalid = (message: string, param?: string, code?: string) =>
	new ApiError(400, message, { param, code });

export const missing = (param: string) =>
	new ApiError(400, `Missing required param: ${param}.`, { code: 'parameter_missing', param });

export const noSuch = (kind: string, id: string, param?: string) =>
	new ApiError(param ? 400 : 404, `No such ${kind}: '${id}'`, { code: 'resource_missing', param });

/**
 * Parses `a[b][0][c]=v` keys into nested objects the way Stripe does. Containers whose keys are
 * all indices become arrays (`expand[]=x` appends), except metadata, whose keys are free text.
 */
export function parseForm(raw: string): Params {
	// Null-prototype containers, so a key like __proto__ is just a key.
	const root: Params = Object.create(null);
	for (const [key, value] of new URLSearchParams(raw)) {
		const match = /^([^[\]]+)((?:\[[^[\]]*\])*)$/.exec(key);
		if (!match) throw invalid(`Invalid parameter name: ${key}`, key);
		const path = [match[1], ...[...match[2].matchAll(/\[([^[\]]*)\]/g)].map((m) => m[1])];
		let node: Params = root;
		path.forEach((segment, i) => {
			const name = segment === '' ? String(Object.keys(node).length) : segment;
			if (i === path.length - 1) {
				node[name] = value;
				return;
			}
			const next = node[name];
			if (typeof next !== 'object' || next === null) node[name] = Object.create(null);
			node = node[name] as Params;
		});
	}
	return arraysFromIndices(root, '') as Params;
}

function arraysFromIndices(value: unknown, key: string): unknown {
	if (typeof value !== 'object' || value === null) return value;
	const entries = Object.entries(value as Params).map(
		([k, v]) => [k, arraysFromIndices(v, k)] as const
	);
	const indexed = entries.length > 0 && entries.every(([k]) => /^\d+$/.test(k));
	if (indexed && key !== 'metadata') {
		return entries.sort(([a], [b]) => Number(a) - Number(b)).map(([, v]) => v);
	}
	return Object.fromEntries(entries);
}

/** Rejects top-level parameters that the endpoint does not know, as Stripe does. */
export function checkAllowed(params: Params, allowed: readonly string[]): void {
	for (const key of Object.keys(params)) {
		if (key !== 'expand' && !allowed.includes(key)) {
			throw new ApiError(400, `Received unknown parameter: ${key}`, {
				code: 'parameter_unknown',
				param: key
			});
		}
	}
}

export function str(value: unknown, param: string): string | undefined {
	if (value === undefined) return undefined;
	if (typeof value !== 'string') throw invalid(`Invalid string: ${JSON.stringify(value)}`, param);
	return value;
}

export function requireStr(value: unknown, param: string): string {
	const s = str(value, param);
	if (s === undefined || s === '') throw missing(param);
	return s;
}

export function int(value: unknown, param: string, min = 0): number | undefined {
	const s = str(value, param);
	if (s === undefined || s === '') return undefined;
	if (!/^-?\d+$/.test(s)) throw invalid(`Invalid integer: ${s}`, param);
	const n = Number(s);
	if (n < min) throw invalid(`This value must be greater than or equal to ${min}.`, param);
	return n;
}

export function bool(value: unknown, param: string): boolean | undefined {
	const s = str(value, param);
	if (s === undefined) return undefined;
	if (s !== 'true' && s !== 'false') throw invalid(`Invalid boolean: ${s}`, param);
	return s === 'true';
}

export function list<T>(value: T[] | undefined, param: string): T[] {
	if (value === undefined) return [];
	if (!Array.isArray(value)) throw invalid(`Invalid array`, param);
	return value;
}

/**
 * Metadata as Stripe applies it on update: an empty string clears everything, and a key posted
 * with an empty value is removed.
 */
export function mergeMetadata(
	current: Record<string, string>,
	value: unknown,
	param = 'metadata'
): Record<string, string> {
	if (value === undefined) return current;
	if (value === '') return {};
	if (typeof value !== 'object' || value === null || Array.isArray(value)) {
		throw invalid('Invalid object', param);
	}
	const next = { ...current };
	for (const [k, v] of Object.entries(value)) {
		if (typeof v !== 'string') throw invalid('Metadata values must be strings.', `${param}[${k}]`);
		if (v === '') delete next[k];
		else next[k] = v;
	}
	return next;
}

export async function readBody(req: IncomingMessage): Promise<string> {
	const chunks: Buffer[] = [];
	for await (const chunk of req) chunks.push(chunk as Buffer);
	return Buffer.concat(chunks).toString('utf8');
}

export function sendJson(
	res: ServerResponse,
	status: number,
	body: unknown,
	headers: Record<string, string> = {}
): void {
	const payload = JSON.stringify(body, null, 2);
	res.writeHead(status, { 'Content-Type': 'application/json', ...headers });
	res.end(payload);
}

export function sendHtml(res: ServerResponse, status: number, html: string): void {
	res.writeHead(status, { 'Content-Type': 'text/html; charset=utf-8' });
	res.end(html);
}

export function escapeHtml(text: string): string {
	return text.replace(
		/[&<>"']/g,
		(c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] ?? c
	);
}
