import { error, fail, redirect } from '@sveltejs/kit';
import type { Transaction } from 'kysely';
import { m } from '$lib/paraglide/messages';
import { recordAudit } from '$lib/server/audit';
import { getDatabase } from '$lib/server/database';
import type { Database } from '$lib/server/db-schema';
import { qrCodeSvg } from '$lib/server/qr';
import { checkNewPassword, lockedText } from '$lib/server/auth/forms';
import { requireStaff } from '$lib/server/auth/guard';
import { hashPassword, MINIMUM_PASSWORD_LENGTH } from '$lib/server/auth/password';
import {
	deleteSessionCookie,
	invalidateUserSessions,
	markSessionTwoFactorVerified
} from '$lib/server/auth/session';
import { checkPassword } from '$lib/server/auth/sign-in';
import { changeStaffPassword, findStaffById, staffAuditView } from '$lib/server/auth/staff';
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
import type { Actions, PageServerLoad } from './$types';

/** The signed-in account's full row (the guard's identity carries no secrets). */
async function currentAccount(event: { locals: App.Locals; url: URL }) {
	const staff = requireStaff(event, 'viewer');
	const user = await findStaffById(getDatabase(), staff.id);
	if (!user) error(404, 'Not found');
	return user;
}

/** Enrolment steps change no access, but every write is on the record (never the key). */
async function auditTwoFactorStep(
	trx: Transaction<Database>,
	event: { locals: App.Locals },
	staffUserId: string,
	action: string
) {
	await recordAudit(trx, {
		staffUserId,
		action,
		entityType: 'staff_user',
		entityId: staffUserId,
		requestId: event.locals.requestId
	});
}

const text = (formData: FormData, name: string) => String(formData.get(name) ?? '');

export const load: PageServerLoad = async (event) => {
	const user = await currentAccount(event);
	const pendingKey = user.totp_enabled_at ? null : readTotpKey(user);
	return {
		account: { name: user.name, email: user.email, role: user.role },
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
	password: async (event) => {
		const user = await currentAccount(event);
		const formData = await event.request.formData();
		const current = text(formData, 'current_password');
		const next = text(formData, 'new_password');
		const errors = current
			? checkNewPassword(next, text(formData, 'new_password_repeat'), user.email, {
					password: 'new_password',
					repeated: 'new_password_repeat'
				})
			: { current_password: m.auth_error_password_required() };
		if (Object.keys(errors).length) return fail(400, { form: 'password' as const, errors });

		const db = getDatabase();
		const checked = await checkPassword(db, {
			email: user.email,
			password: current,
			clientAddress: event.getClientAddress()
		});
		if (!checked.ok) {
			const message =
				checked.reason === 'locked'
					? lockedText(checked.retryAt)
					: m.auth_error_current_password_wrong();
			return fail(400, { form: 'password' as const, errors: { current_password: message } });
		}
		const passwordHash = await hashPassword(next);
		await db.transaction().execute(async (trx) => {
			const ended = await changeStaffPassword(trx, user.id, passwordHash, {
				keepSessionId: event.locals.staffSessionId ?? undefined
			});
			await recordAudit(trx, {
				staffUserId: user.id,
				action: 'staff.password_change',
				entityType: 'staff_user',
				entityId: user.id,
				after: { otherSessionsEnded: ended },
				requestId: event.locals.requestId
			});
		});
		redirect(303, '/admin/account?notice=password-changed');
	},

	signOutEverywhere: async (event) => {
		const user = await currentAccount(event);
		await getDatabase()
			.transaction()
			.execute(async (trx) => {
				const ended = await invalidateUserSessions(trx, user.id);
				await recordAudit(trx, {
					staffUserId: user.id,
					action: 'staff.sign_out_everywhere',
					entityType: 'staff_user',
					entityId: user.id,
					after: { sessionsEnded: ended },
					requestId: event.locals.requestId
				});
			});
		deleteSessionCookie(event);
		redirect(303, '/admin/sign-in?notice=signed-out');
	},

	startTwoFactor: async (event) => {
		const user = await currentAccount(event);
		if (!user.totp_enabled_at) {
			await getDatabase()
				.transaction()
				.execute(async (trx) => {
					await beginTotpEnrolment(trx, user.id);
					await auditTwoFactorStep(trx, event, user.id, 'staff.two_factor_enrolment_start');
				});
		}
		redirect(303, '/admin/account#two-factor');
	},

	cancelTwoFactor: async (event) => {
		const user = await currentAccount(event);
		await getDatabase()
			.transaction()
			.execute(async (trx) => {
				await cancelTotpEnrolment(trx, user.id);
				await auditTwoFactorStep(trx, event, user.id, 'staff.two_factor_enrolment_cancel');
			});
		redirect(303, '/admin/account#two-factor');
	},

	confirmTwoFactor: async (event) => {
		const user = await currentAccount(event);
		const code = text(await event.request.formData(), 'code').trim();
		if (!code) {
			return fail(400, {
				form: 'two-factor' as const,
				errors: { code: m.auth_error_code_required() }
			});
		}
		const db = getDatabase();
		const recoveryCodes = await db.transaction().execute(async (trx) => {
			const codes = await confirmTotpEnrolment(trx, user, code);
			if (!codes) return null;
			// This session has just shown a code; the account's other sessions must show one too.
			if (event.locals.staffSessionId) {
				await markSessionTwoFactorVerified(trx, event.locals.staffSessionId);
			}
			await recordAudit(trx, {
				staffUserId: user.id,
				action: 'staff.two_factor_enable',
				entityType: 'staff_user',
				entityId: user.id,
				before: staffAuditView(user),
				after: { ...staffAuditView(user), hasTwoFactor: true },
				requestId: event.locals.requestId
			});
			return codes;
		});
		if (!recoveryCodes) {
			return fail(400, {
				form: 'two-factor' as const,
				errors: { code: m.auth_error_code_wrong() }
			});
		}
		// Shown once, now: only their hashes are kept.
		return { form: 'two-factor' as const, recoveryCodes };
	},

	disableTwoFactor: async (event) => {
		const user = await currentAccount(event);
		const password = text(await event.request.formData(), 'password');
		if (!password) {
			return fail(400, {
				form: 'disable-two-factor' as const,
				errors: { password: m.auth_error_password_required() }
			});
		}
		const db = getDatabase();
		const checked = await checkPassword(db, {
			email: user.email,
			password,
			clientAddress: event.getClientAddress()
		});
		if (!checked.ok) {
			const message =
				checked.reason === 'locked'
					? lockedText(checked.retryAt)
					: m.auth_error_current_password_wrong();
			return fail(400, { form: 'disable-two-factor' as const, errors: { password: message } });
		}
		await db.transaction().execute(async (trx) => {
			await disableTotp(trx, user.id);
			await recordAudit(trx, {
				staffUserId: user.id,
				action: 'staff.two_factor_disable',
				entityType: 'staff_user',
				entityId: user.id,
				before: staffAuditView(user),
				after: { ...staffAuditView(user), hasTwoFactor: false },
				requestId: event.locals.requestId
			});
		});
		redirect(303, '/admin/account?notice=two-factor-off');
	},

	regenerateRecoveryCodes: async (event) => {
		const user = await currentAccount(event);
		if (!user.totp_enabled_at) redirect(303, '/admin/account');
		const recoveryCodes = await getDatabase()
			.transaction()
			.execute(async (trx) => {
				const codes = await regenerateRecoveryCodes(trx, user.id);
				await recordAudit(trx, {
					staffUserId: user.id,
					action: 'staff.recovery_codes_regenerate',
					entityType: 'staff_user',
					entityId: user.id,
					requestId: event.locals.requestId
				});
				return codes;
			});
		return { form: 'recovery-codes' as const, recoveryCodes };
	}
} satisfies Actions;
