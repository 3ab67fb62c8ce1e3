import { error, fail, redirect } from '@sveltejs/kit';
import type { Transaction } from 'kysely';
import { m } from '$lib/paraglide/messages';
import { recordAudit } from '$lib/server/organisation/audit';
import { getDatabase } from '$lib/server/db/instance';
import type { Database } from '$lib/server/db/schema';
import { qrCodeSvg } from '$lib/server/organisation/qr';
import { checkNewPassword, lockedText } from '$lib/server/auth/forms';
import { requireStaff } from '$lib/server/auth/guard';
import { readKnownDeviceCookie } from '$lib/server/auth/known-device';
import { hashPassword, MINIMUM_PASSWORD_LENGTH } from '$lib/server/auth/password';
import {
	deleteSessionCookie,
	invalidateUserSessions,
	markSessionTwoFactorVerified
} from '$lib/server/auth/session';
import { checkPassword } from '$lib/server/auth/sign-in';
import {
	changeStaffPassword,
	findStaffById,
	setStaffLocale,
	staffAuditView
} from '$lib/server/auth/staff';
import { isLocale, locales } from '$lib/locales';
import {
	beginTotpEnrolment,
	cancelTotpEnrolment,
	confirmTotpEnrolment,
	disableTotp,
	formatTotpKey,
	readTotpKey,
	regenerateRecoveryCodes,
	totpKeyUri
} from '$lib/server/auth/totp';
import type { Actions, PageServerLoad, RequestEvent } from './$types';
import { readForm } from '$lib/server/http/form';

// Your account: every role may change its own password, sessions and two-factor sign-in.

/** The signed-in account's full row (the guard's identity carries no secrets). */
async function currentAccount(event: { locals: App.Locals; url: URL }) {
	const staff = requireStaff(event, 'viewer');
	const user = await findStaffById(getDatabase(), staff.id);
	if (!user) error(404, 'Not found');
	return user;
}

/**
 * Runs one change to the account in a transaction with its audit entry (never a password, a
 * key or a code in it). `change` returns what to record, or null to record nothing.
 */
async function changeOwnAccount<T>(
	event: RequestEvent,
	staffUserId: string,
	action: string,
	change: (
		trx: Transaction<Database>
	) => Promise<{ result: T; before?: unknown; after?: unknown } | null>
): Promise<T | null> {
	return getDatabase()
		.transaction()
		.execute(async (trx) => {
			const done = await change(trx);
			if (!done) return null;
			await recordAudit(trx, {
				staffUserId,
				action,
				entityType: 'staff_user',
				entityId: staffUserId,
				before: done.before,
				after: done.after,
				requestId: event.locals.requestId
			});
			return done.result;
		});
}

/** Checks the account's own password under the sign-in guessing limits: an error text or null. */
async function passwordRefusal(event: RequestEvent, email: string, password: string) {
	const checked = await checkPassword(getDatabase(), {
		email,
		password,
		clientAddress: event.getClientAddress(),
		knownDeviceCookie: readKnownDeviceCookie(event)
	});
	if (checked.ok) return null;
	return checked.reason === 'locked'
		? lockedText(checked.retryAt, checked.limitedBy)
		: m.auth_error_current_password_wrong();
}

const text = (formData: FormData, name: string) => String(formData.get(name) ?? '');

export const load: PageServerLoad = async (event) => {
	const user = await currentAccount(event);
	const pendingKey = user.totp_enabled_at ? null : readTotpKey(user);
	return {
		account: { name: user.name, email: user.email, role: user.role, locale: user.locale },
		locales,
		twoFactor: {
			enabledAt: user.totp_enabled_at,
			recoveryCodesLeft: user.recovery_code_hashes.length,
			enrolment: pendingKey
				? {
						qrSvg: await qrCodeSvg(totpKeyUri(user.email, pendingKey)),
						key: formatTotpKey(pendingKey)
					}
				: null
		},
		notice: event.url.searchParams.get('notice'),
		minimumPasswordLength: MINIMUM_PASSWORD_LENGTH
	};
};

export const actions = {
	language: async (event) => {
		const user = await currentAccount(event);
		const locale = text(await readForm(event.request), 'locale');
		if (!isLocale(locale)) {
			return fail(400, {
				form: 'language' as const,
				errors: { locale: m.staff_error_language_unknown() }
			});
		}
		await setStaffLocale(getDatabase(), user.id, locale);
		redirect(303, '/admin/account?notice=language-saved');
	},

	password: async (event) => {
		const user = await currentAccount(event);
		const formData = await readForm(event.request);
		const current = text(formData, 'current_password');
		const next = text(formData, 'new_password');
		const errors = {
			...(current ? {} : { current_password: m.auth_error_password_required() }),
			...checkNewPassword(next, text(formData, 'new_password_repeat'), user.email, {
				password: 'new_password',
				repeated: 'new_password_repeat'
			})
		};
		if (Object.keys(errors).length) return fail(400, { form: 'password' as const, errors });
		const refusal = await passwordRefusal(event, user.email, current);
		if (refusal) {
			return fail(400, { form: 'password' as const, errors: { current_password: refusal } });
		}
		const passwordHash = await hashPassword(next);
		await changeOwnAccount(event, user.id, 'staff.password_change', async (trx) => {
			const ended = await changeStaffPassword(trx, user.id, passwordHash, {
				keepSessionId: event.locals.staffSessionId ?? undefined
			});
			return { result: ended, after: { otherSessionsEnded: ended } };
		});
		redirect(303, '/admin/account?notice=password-changed');
	},

	signOutEverywhere: async (event) => {
		const user = await currentAccount(event);
		await changeOwnAccount(event, user.id, 'staff.sign_out_everywhere', async (trx) => {
			const ended = await invalidateUserSessions(trx, user.id);
			return { result: ended, after: { sessionsEnded: ended } };
		});
		deleteSessionCookie(event);
		redirect(303, '/admin/sign-in?notice=signed-out');
	},

	startTwoFactor: async (event) => {
		const user = await currentAccount(event);
		if (!user.totp_enabled_at) {
			await changeOwnAccount(event, user.id, 'staff.two_factor_enrolment_start', async (trx) => {
				await beginTotpEnrolment(trx, user.id);
				return { result: true };
			});
		}
		redirect(303, '/admin/account#two-factor');
	},

	cancelTwoFactor: async (event) => {
		const user = await currentAccount(event);
		await changeOwnAccount(event, user.id, 'staff.two_factor_enrolment_cancel', async (trx) => {
			await cancelTotpEnrolment(trx, user.id);
			return { result: true };
		});
		redirect(303, '/admin/account#two-factor');
	},

	confirmTwoFactor: async (event) => {
		const user = await currentAccount(event);
		const code = text(await readForm(event.request), 'code').trim();
		const codeError = (message: string) =>
			fail(400, { form: 'two-factor' as const, errors: { code: message } });
		if (!code) return codeError(m.auth_error_code_required());
		const recoveryCodes = await changeOwnAccount(
			event,
			user.id,
			'staff.two_factor_enable',
			async (trx) => {
				const codes = await confirmTotpEnrolment(trx, user, code);
				if (!codes) return null;
				// This session has just shown a code; the account's other sessions must show one too.
				if (event.locals.staffSessionId) {
					await markSessionTwoFactorVerified(trx, event.locals.staffSessionId);
				}
				const before = staffAuditView(user);
				return { result: codes, before, after: { ...before, hasTwoFactor: true } };
			}
		);
		if (!recoveryCodes) return codeError(m.auth_error_code_wrong());
		// Shown once, now: only their hashes are kept.
		return { form: 'two-factor' as const, recoveryCodes };
	},

	disableTwoFactor: async (event) => {
		const user = await currentAccount(event);
		const password = text(await readForm(event.request), 'password');
		const refusal = password
			? await passwordRefusal(event, user.email, password)
			: m.auth_error_password_required();
		if (refusal) {
			return fail(400, { form: 'disable-two-factor' as const, errors: { password: refusal } });
		}
		await changeOwnAccount(event, user.id, 'staff.two_factor_disable', async (trx) => {
			await disableTotp(trx, user.id);
			const before = staffAuditView(user);
			return { result: true, before, after: { ...before, hasTwoFactor: false } };
		});
		redirect(303, '/admin/account?notice=two-factor-off');
	},

	regenerateRecoveryCodes: async (event) => {
		const user = await currentAccount(event);
		if (!user.totp_enabled_at) redirect(303, '/admin/account');
		const recoveryCodes = await changeOwnAccount(
			event,
			user.id,
			'staff.recovery_codes_regenerate',
			async (trx) => ({ result: await regenerateRecoveryCodes(trx, user.id) })
		);
		return { form: 'recovery-codes' as const, recoveryCodes };
	}
} satisfies Actions;
