import { createHash, createHmac } from 'node:crypto';

// How Vipps signs a webhook delivery, as its Webhooks API guide describes ("Request
// authentication"). Written apart from the app's verify.ts, so the two check each other.

export function signedHeaders(
	url: string,
	secret: string,
	body: string,
	date = new Date()
): Record<string, string> {
	const target = new URL(url);
	const xMsDate = date.toUTCString();
	const hash = createHash('sha256').update(body).digest('base64');
	const toSign = [
		'POST',
		target.pathname + target.search,
		`${xMsDate};${target.host};${hash}`
	].join('\n');
	const signature = createHmac('sha256', secret).update(toSign).digest('base64');
	return {
		'content-type': 'application/json',
		'x-ms-date': xMsDate,
		'x-ms-content-sha256': hash,
		authorization: `HMAC-SHA256 SignedHeaders=x-ms-date;host;x-ms-content-sha256&Signature=${signature}`
	};
}
