import { describe, expect, it } from 'vitest';
import { authorizationFor, contentHash, verifyVippsDelivery } from './verify.ts';

// The worked example in Vipps's "Request authentication" guide for the Webhooks API.
const documented = {
	secret:
		'A0+AeKBRG2KRGvnNwJpQlb6IJFk48CKXCIcrLoHncVJKDILsQSxS6NWCccwWm6r6FhGKhiHTBsG2wo/xU6FY/A==',
	url: 'https://webhook.site/e2cee29b-012e-4f1d-8ef4-e95fd74a7a63',
	date: 'Thu, 30 Mar 2023 08:38:32 GMT',
	body: JSON.stringify({
		'some-unique-content': 'ee6e441b-cc4a-46f8-895d-a5af79bcc233/hello-world'
	}),
	authorization:
		'HMAC-SHA256 SignedHeaders=x-ms-date;host;x-ms-content-sha256&Signature=agAiSyogQbDHpeucoNwYz+yAr5nJ+v+zasdkSbqzv+U='
};

const webhook = { url: 'https://give.example.org/webhooks/vipps', secret: 'c2VjcmV0LXNlY3JldA==' };
const now = Date.parse('2026-12-06T12:00:00Z');
const event = {
	msn: '557320',
	reference: 'komak-0b52e5bd-be1e-42a1-acf2-e331f52c68ac',
	pspReference: '7686f7788898767977',
	name: 'AUTHORIZED',
	amount: { currency: 'NOK', value: 20000 },
	timestamp: '2026-12-06T11:59:58Z',
	idempotencyKey: null,
	success: true
};

function delivery(body: string, date = new Date(now).toUTCString(), secret = webhook.secret) {
	return {
		date,
		contentSha256: contentHash(body),
		authorization: authorizationFor(webhook.url, secret, date, body)
	};
}

describe('Vipps webhook signatures', () => {
	it('signs Vipps’s documented example exactly as Vipps does', () => {
		expect(contentHash(documented.body)).toBe('lNlsp1XA03N34HrQsVzPgJKtC+r7l/RBF4V3JQUWMj4=');
		expect(
			authorizationFor(documented.url, documented.secret, documented.date, documented.body)
		).toBe(documented.authorization);
	});

	it('accepts a fresh delivery signed with a registered secret', () => {
		const body = JSON.stringify(event);
		const verified = verifyVippsDelivery(body, delivery(body), [webhook], now);
		expect(verified).toEqual({ ok: true, event: { ...event }, payload: body });
	});

	it('refuses a body changed after signing', () => {
		const body = JSON.stringify(event);
		const headers = delivery(body);
		const changed = body.replace('20000', '2000000');
		expect(verifyVippsDelivery(changed, headers, [webhook], now)).toEqual({
			ok: false,
			reason: 'signature'
		});
		expect(
			verifyVippsDelivery(
				changed,
				{ ...headers, contentSha256: contentHash(changed) },
				[webhook],
				now
			)
		).toEqual({ ok: false, reason: 'signature' });
	});

	it('refuses a signature made with another secret or for another address', () => {
		const body = JSON.stringify(event);
		expect(verifyVippsDelivery(body, delivery(body, undefined, 'forged'), [webhook], now).ok).toBe(
			false
		);
		const elsewhere = { ...webhook, url: 'https://give.example.org/webhooks/other' };
		expect(verifyVippsDelivery(body, delivery(body), [elsewhere], now).ok).toBe(false);
		expect(verifyVippsDelivery(body, delivery(body), [], now).ok).toBe(false);
	});

	it('refuses a delivery signed more than five minutes ago or from the future', () => {
		const body = JSON.stringify(event);
		const old = delivery(body, new Date(now - 301_000).toUTCString());
		expect(verifyVippsDelivery(body, old, [webhook], now)).toEqual({ ok: false, reason: 'stale' });
		const ahead = delivery(body, new Date(now + 120_000).toUTCString());
		expect(verifyVippsDelivery(body, ahead, [webhook], now)).toEqual({
			ok: false,
			reason: 'stale'
		});
		const nonsense = delivery(body, 'yesterday');
		expect(verifyVippsDelivery(body, nonsense, [webhook], now).ok).toBe(false);
	});

	it('cleans what PostgreSQL cannot store from a signed event', () => {
		const body = JSON.stringify({ ...event, pspReference: '7686\u0000f77' });
		const verified = verifyVippsDelivery(body, delivery(body), [webhook], now);
		expect(verified.ok && 'pspReference' in verified.event && verified.event.pspReference).toBe(
			'7686f77'
		);
		expect(verified.ok && verified.payload).not.toContain('\\u0000');
	});

	it('refuses a signed body that is not a payment event', () => {
		const body = JSON.stringify({ hello: 'world' });
		expect(verifyVippsDelivery(body, delivery(body), [webhook], now)).toEqual({
			ok: false,
			reason: 'not_an_event'
		});
	});
});
