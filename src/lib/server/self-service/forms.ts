import { fail, type RequestEvent } from '@sveltejs/kit';
import { z } from 'zod';
import { intlLocale } from '../../locales.ts';
import { m } from '../../paraglide/messages.js';
import { getLocale } from '../../paraglide/runtime.js';
import { getDatabase } from '../db/instance.ts';
import {
	LINK_REQUEST_WINDOW_SECONDS,
	requestSignInLink,
	SIGN_IN_LINK_MINUTES
} from './sign-in-link.ts';
import { readForm } from '../http/form.ts';

// The "send me a link" form, shown on /my and on the page of a link that no longer works.

const emailSchema = () =>
	z
		.string()
		.trim()
		.min(1, { error: () => m.error_email_required() })
		.max(254, { error: () => m.error_email_invalid() })
		.pipe(z.email({ error: () => m.error_email_invalid() }));

export interface LinkRequestForm {
	email: string;
	errors: { email?: string; form?: string };
	isSent?: boolean;
	/** How long the link sent works, to say so. */
	validMinutes?: number;
}

export async function linkRequestAction(event: RequestEvent) {
	const formData = await readForm(event.request);
	const typed = formData.get('email');
	const email = typeof typed === 'string' ? typed.trim().slice(0, 320) : '';
	const parsed = emailSchema().safeParse(email);
	if (!parsed.success) {
		return fail(400, {
			linkRequest: { email, errors: { email: parsed.error.issues[0].message } }
		} satisfies { linkRequest: LinkRequestForm });
	}
	const outcome = await requestSignInLink(getDatabase(), {
		email: parsed.data,
		clientAddress: event.getClientAddress(),
		origin: event.url.origin
	});
	if (!outcome.ok) {
		event.locals.log.info('sign-in link refused: too many requests');
		return fail(429, {
			linkRequest: {
				email,
				errors: {
					form: m.my_error_too_many_links({
						minutes: new Intl.NumberFormat(intlLocale(getLocale())).format(
							LINK_REQUEST_WINDOW_SECONDS / 60
						)
					})
				}
			}
		} satisfies { linkRequest: LinkRequestForm });
	}
	return {
		linkRequest: {
			email,
			errors: {},
			isSent: true,
			validMinutes: SIGN_IN_LINK_MINUTES
		} satisfies LinkRequestForm
	};
}
