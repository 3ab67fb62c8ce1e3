import { fail, redirect } from '@sveltejs/kit';
import { m } from '$lib/paraglide/messages';
import { getDatabase } from '$lib/server/db/instance';
import { checkNewPassword } from '$lib/server/auth/forms';
import { MINIMUM_PASSWORD_LENGTH } from '$lib/server/auth/password';
import { rememberKnownDevice } from '$lib/server/auth/known-device';
import { createSession, setSessionCookie } from '$lib/server/auth/session';
import { acceptInvitation, checkInvitation } from '$lib/server/auth/staff-invite';
import { recordSignIn } from '$lib/server/auth/staff';
import { readForm } from '$lib/server/http/form';
import type { Actions, PageServerLoad } from './$types';

// An invitee's link: opening it only shows the form (so a mail scanner uses nothing up); the
// password sent with it uses the link and signs the new staff member in.

const problemText = {
	used: () => m.staff_invite_used(),
	expired: () => m.staff_invite_expired(),
	unknown: () => m.staff_invite_unknown()
};

export const load: PageServerLoad = async ({ url }) => {
	const invitation = await checkInvitation(getDatabase(), url.searchParams.get('token') ?? '');
	return {
		invitee:
			invitation.state === 'valid' ? { name: invitation.name, email: invitation.email } : null,
		problem: invitation.state === 'valid' ? null : problemText[invitation.state](),
		minimumPasswordLength: MINIMUM_PASSWORD_LENGTH
	};
};

export const actions = {
	default: async (event) => {
		const token = event.url.searchParams.get('token') ?? '';
		const formData = await readForm(event.request);
		const password = String(formData.get('password') ?? '');
		const db = getDatabase();
		const invitation = await checkInvitation(db, token);
		if (invitation.state !== 'valid') {
			return fail(410, { errors: { form: problemText[invitation.state]() } });
		}
		const errors = checkNewPassword(
			password,
			String(formData.get('password_repeat') ?? ''),
			invitation.email,
			{ password: 'password', repeated: 'password_repeat' }
		);
		if (Object.keys(errors).length > 0) return fail(400, { errors });
		const accepted = await acceptInvitation(db, { token, password });
		if (!accepted.ok) return fail(410, { errors: { form: problemText[accepted.problem]() } });
		const { token: sessionToken } = await createSession(db, accepted.user.id, {
			userAgent: event.request.headers.get('user-agent') ?? ''
		});
		await recordSignIn(db, accepted.user.id);
		setSessionCookie(event, sessionToken);
		rememberKnownDevice(event, accepted.user.id);
		event.locals.log.info({ staffUserId: accepted.user.id }, 'invitation accepted');
		redirect(303, '/admin');
	}
} satisfies Actions;
