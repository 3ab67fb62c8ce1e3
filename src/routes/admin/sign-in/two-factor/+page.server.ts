import { fail, redirect } from '@sveltejs/kit';
import { m } from '$lib/paraglide/messages';
import { getDatabase } from '$lib/server/db/instance';
import { lockedText, safeNextPath } from '$lib/server/auth/forms';
import { findSessionAwaitingSecondFactor } from '$lib/server/auth/handle';
import { readKnownDeviceCookie, rememberKnownDevice } from '$lib/server/auth/known-device';
import { verifySecondFactor } from '$lib/server/auth/sign-in';
import type { Actions, PageServerLoad } from './$types';
import { readForm } from '$lib/server/http/form';

export const load: PageServerLoad = async (event) => {
	const next = safeNextPath(event.url.searchParams.get('next'));
	if (event.locals.staff) redirect(303, next);
	if (!(await findSessionAwaitingSecondFactor(event))) {
		redirect(303, `/admin/sign-in?next=${encodeURIComponent(next)}`);
	}
	return {};
};

export const actions = {
	default: async (event) => {
		const { request, url, locals, getClientAddress } = event;
		const next = safeNextPath(url.searchParams.get('next'));
		const pending = await findSessionAwaitingSecondFactor(event);
		if (!pending) redirect(303, `/admin/sign-in?next=${encodeURIComponent(next)}`);

		const code = String((await readForm(request)).get('code') ?? '').trim();
		if (!code) return fail(400, { errors: { code: m.auth_error_code_required() } });
		const result = await verifySecondFactor(getDatabase(), {
			user: pending.user,
			sessionId: pending.session.id,
			code,
			clientAddress: getClientAddress(),
			knownDeviceCookie: readKnownDeviceCookie(event)
		});
		if (!result.ok) {
			locals.log.info({ staffUserId: pending.user.id }, 'second factor refused');
			const message =
				result.reason === 'locked'
					? lockedText(result.retryAt, result.limitedBy)
					: m.auth_error_code_wrong();
			return fail(result.reason === 'locked' ? 429 : 400, { errors: { code: message } });
		}
		locals.log.info(
			{ staffUserId: pending.user.id, usedRecoveryCode: result.usedRecoveryCode },
			'staff signed in with second factor'
		);
		rememberKnownDevice(event, pending.user.id);
		redirect(303, next);
	}
} satisfies Actions;
