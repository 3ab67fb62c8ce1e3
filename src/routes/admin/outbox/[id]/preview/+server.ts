import { error } from '@sveltejs/kit';
import { requireStaff } from '$lib/server/auth/guard';
import { getDatabase } from '$lib/server/db/instance';
import { findOutboxMessage } from '$lib/server/mail/outbox-admin';
import type { RequestHandler } from './$types';

// A message's HTML as its own document, for the frame on the message page. Its policy lets the
// email's inline styles apply (the admin's own policy, inherited by a srcdoc frame, would not)
// and nothing else: no scripts, no requests, no forms, a sandbox with an opaque origin, and only
// this site may frame it.
const policy = [
	"default-src 'none'",
	"style-src 'unsafe-inline'",
	'img-src data:',
	"base-uri 'none'",
	"frame-ancestors 'self'",
	'sandbox'
].join('; ');

export const GET: RequestHandler = async (event) => {
	requireStaff(event, 'admin');
	const message = await findOutboxMessage(getDatabase(), event.params.id);
	if (!message) error(404, 'No such message');
	return new Response(message.html_body, {
		headers: {
			'content-type': 'text/html; charset=utf-8',
			'content-security-policy': policy,
			'x-frame-options': 'SAMEORIGIN',
			'cache-control': 'private, no-store',
			'referrer-policy': 'no-referrer'
		}
	});
};
