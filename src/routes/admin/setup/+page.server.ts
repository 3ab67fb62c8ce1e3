import { fail, redirect } from '@sveltejs/kit';
import { z } from 'zod';
import { m } from '$lib/paraglide/messages';
import { getDatabase } from '$lib/server/db/instance';
import { checkNewPassword, echo, emailField, nameField, parseForm } from '$lib/server/auth/forms';
import { MINIMUM_PASSWORD_LENGTH } from '$lib/server/auth/password';
import { rememberKnownDevice } from '$lib/server/auth/known-device';
import { createSession, setSessionCookie } from '$lib/server/auth/session';
import { completeSetup, isSetupTokenUsable } from '$lib/server/auth/setup';
import { recordSignIn } from '$lib/server/auth/staff';
import type { Actions, PageServerLoad } from './$types';
import { readForm } from '$lib/server/http/form';

const setupForm = z.object({
	name: nameField(),
	email: emailField(),
	password: z.string().default(''),
	password_repeat: z.string().default('')
});

export const load: PageServerLoad = async ({ url }) => {
	const token = url.searchParams.get('token') ?? '';
	return {
		isUsable: await isSetupTokenUsable(getDatabase(), token),
		minimumPasswordLength: MINIMUM_PASSWORD_LENGTH
	};
};

export const actions = {
	default: async (event) => {
		const { request, url, locals } = event;
		const token = url.searchParams.get('token') ?? '';
		const formData = await readForm(request);
		const values = echo(formData, ['name', 'email']);
		const parsed = parseForm(setupForm, formData);
		const errors = {
			...(parsed.ok ? {} : parsed.errors),
			...checkNewPassword(
				String(formData.get('password') ?? ''),
				String(formData.get('password_repeat') ?? ''),
				values.email,
				{ password: 'password', repeated: 'password_repeat' }
			)
		};
		if (!parsed.ok || Object.keys(errors).length > 0) return fail(400, { values, errors });

		const db = getDatabase();
		const result = await completeSetup(db, {
			token,
			email: parsed.data.email,
			name: parsed.data.name,
			password: parsed.data.password,
			requestId: locals.requestId
		});
		if (!result.ok) {
			if (result.reason === 'email_taken') {
				return fail(400, { values, errors: { email: m.auth_error_email_taken() } });
			}
			return fail(410, { values, errors: { form: m.auth_setup_unusable() } });
		}
		locals.log.info({ staffUserId: result.user.id }, 'first admin created');
		const { token: sessionToken } = await createSession(db, result.user.id, {
			userAgent: request.headers.get('user-agent') ?? ''
		});
		await recordSignIn(db, result.user.id);
		setSessionCookie(event, sessionToken);
		rememberKnownDevice(event, result.user.id);
		redirect(303, '/admin');
	}
} satisfies Actions;
