import { fail, redirect } from '@sveltejs/kit';
import { z } from 'zod';
import { m } from '$lib/paraglide/messages';
import { getDatabase } from '$lib/server/db/instance';
import {
	echo,
	emailField,
	enteredPasswordField,
	lockedText,
	parseForm,
	safeNextPath
} from '$lib/server/auth/forms';
import { findSessionAwaitingSecondFactor } from '$lib/server/auth/handle';
import { readKnownDeviceCookie, rememberKnownDevice } from '$lib/server/auth/known-device';
import { setSessionCookie } from '$lib/server/auth/session';
import { signInWithPassword } from '$lib/server/auth/sign-in';
import type { Actions, PageServerLoad } from './$types';
import { readForm } from '$lib/server/http/form';

const signInForm = z.object({ email: emailField(), password: enteredPasswordField() });

export const load: PageServerLoad = async (event) => {
	const next = safeNextPath(event.url.searchParams.get('next'));
	if (event.locals.staff) redirect(303, next);
	// Password given, code still owed: back to the code step (it offers to sign out instead).
	if (await findSessionAwaitingSecondFactor(event)) {
		redirect(303, `/admin/sign-in/two-factor?next=${encodeURIComponent(next)}`);
	}
	return { next, notice: event.url.searchParams.get('notice') };
};

export const actions = {
	default: async (event) => {
		const { request, url, locals, getClientAddress } = event;
		const formData = await readForm(request);
		const next = safeNextPath(url.searchParams.get('next'));
		const values = echo(formData, ['email']);
		const parsed = parseForm(signInForm, formData);
		if (!parsed.ok) return fail(400, { values, errors: parsed.errors });

		const result = await signInWithPassword(getDatabase(), {
			email: parsed.data.email,
			password: parsed.data.password,
			clientAddress: getClientAddress(),
			knownDeviceCookie: readKnownDeviceCookie(event),
			userAgent: request.headers.get('user-agent') ?? ''
		});
		if (!result.ok) {
			locals.log.info(
				{ reason: result.reason, limitedBy: 'limitedBy' in result ? result.limitedBy : undefined },
				'staff sign-in refused'
			);
			const message =
				result.reason === 'locked'
					? lockedText(result.retryAt, result.limitedBy)
					: result.reason === 'disabled'
						? m.auth_error_disabled()
						: m.auth_error_wrong_credentials();
			return fail(result.reason === 'locked' ? 429 : 400, {
				values,
				errors: { form: message }
			});
		}
		setSessionCookie(event, result.token);
		locals.log.info({ staffUserId: result.user.id }, 'staff signed in with password');
		if (result.needsSecondFactor) {
			redirect(303, `/admin/sign-in/two-factor?next=${encodeURIComponent(next)}`);
		}
		rememberKnownDevice(event, result.user.id);
		redirect(303, next);
	}
} satisfies Actions;
