import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import { storableJson, storableJsonText } from '../../storable-text.ts';
import { vippsWebhookEvent, type VippsWebhookEvent } from './types.ts';

// A Vipps webhook is believed only when it is signed as Vipps documents
// (developer.vippsmobilepay.com, Webhooks API, "Request authentication"): the body's SHA-256 in
// x-ms-content-sha256, and an HMAC-SHA256, keyed with the secret Vipps gave when the webhook was
// registered, over `POST\n<path and query>\n<x-ms-date>;<host>;<content hash>`. The path and host
// are those of the address Vipps was given, so a proxy in front of Komak changes nothing. The
// date must be near ours, so a recorded delivery cannot be replayed later.

export const SIGNATURE_TOLERANCE_SECONDS = 300;
export const FUTURE_TOLERANCE_SECONDS = 60;

export interface SignedHeaders {
	date: string;
	contentSha256: string;
	authorization: string;
}

export interface KnownWebhook {
	url: string;
	secret: string;
}

export const contentHash = (body: string) =>
	createHash('sha256').update(body, 'utf8').digest('base64');

/** The Authorization header Vipps sends for this delivery to `url`. */
export function authorizationFor(url: string, secret: string, date: string, body: string): string {
	const { pathname, search, host } = new URL(url);
	const signed = `POST\n${pathname}${search}\n${date};${host};${contentHash(body)}`;
	const signature = createHmac('sha256', secret).update(signed, 'utf8').digest('base64');
	return `HMAC-SHA256 SignedHeaders=x-ms-date;host;x-ms-content-sha256&Signature=${signature}`;
}

const sameText = (a: string, b: string) => {
	const left = Buffer.from(a);
	const right = Buffer.from(b);
	return left.length === right.length && timingSafeEqual(left, right);
};

export type VerifiedVippsDelivery =
	| { ok: true; event: VippsWebhookEvent; payload: string }
	| { ok: false; reason: 'signature' | 'stale' | 'not_an_event' };

export function verifyVippsDelivery(
	body: string,
	headers: SignedHeaders,
	webhooks: KnownWebhook[],
	now = Date.now()
): VerifiedVippsDelivery {
	if (!sameText(contentHash(body), headers.contentSha256))
		return { ok: false, reason: 'signature' };
	const isSigned = webhooks.some(({ url, secret }) =>
		sameText(authorizationFor(url, secret, headers.date, body), headers.authorization)
	);
	if (!isSigned) return { ok: false, reason: 'signature' };
	const signedAt = Date.parse(headers.date);
	if (
		!(signedAt >= now - SIGNATURE_TOLERANCE_SECONDS * 1000) ||
		!(signedAt <= now + FUTURE_TOLERANCE_SECONDS * 1000)
	)
		return { ok: false, reason: 'stale' };
	let parsed: unknown;
	try {
		parsed = JSON.parse(body);
	} catch {
		return { ok: false, reason: 'not_an_event' };
	}
	const event = vippsWebhookEvent.safeParse(parsed);
	if (!event.success) return { ok: false, reason: 'not_an_event' };
	// What PostgreSQL cannot store (a NUL) is cleaned once, here, for the handler and the store.
	return { ok: true, event: storableJson(event.data), payload: storableJsonText(body) };
}
