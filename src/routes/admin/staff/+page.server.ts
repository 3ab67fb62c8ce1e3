import { error, fail, redirect } from '@sveltejs/kit';
import type { Transaction } from 'kysely';
import { z } from 'zod';
import { m } from '$lib/paraglide/messages';
import { isLocale, locales } from '$lib/locales';
import { recordAudit } from '$lib/server/organisation/audit';
import { getDatabase } from '$lib/server/db/instance';
import type { Database, StaffRole } from '$lib/server/db/schema';
import { echo, emailField, nameField, parseForm } from '$lib/server/auth/forms';
import { hasRole, requireStaff } from '$lib/server/auth/guard';
import {
	findStaffById,
	isStaffRole,
	listStaff,
	setStaffDisabled,
	setStaffRole,
	staffAuditView,
	STAFF_ROLES,
	type StaffChangeResult
} from '$lib/server/auth/staff';
import { inviteStaff, resendInvitation } from '$lib/server/auth/staff-invite';
import type { Actions, PageServerLoad, RequestEvent } from './$types';
import { readForm } from '$lib/server/http/form';

// Staff accounts: an admin invites people (they set their own password through an emailed link),
// changes roles and disables accounts, but never their own: another admin must. Disabling someone
// or lowering their role is asked once more, in a step that needs no JavaScript.

const roleField = () =>
	z.string().refine(isStaffRole, { error: () => m.auth_error_role_unknown() });

const inviteForm = z.object({
	name: nameField(),
	email: emailField(),
	role: roleField(),
	locale: z.string().refine(isLocale, { error: () => m.staff_error_language_unknown() })
});

// An id that is not a uuid names no account: 404, never a database error.
const changeForm = z.object({
	id: z.uuid().catch(''),
	role: z.string().catch(''),
	confirm: z.string().catch('')
});

function readChangeForm(form: FormData) {
	const parsed = changeForm.parse(Object.fromEntries(form));
	if (!parsed.id) error(404, 'No such staff account');
	return { ...parsed, isConfirmed: parsed.confirm === 'yes' };
}

export const load: PageServerLoad = async (event) => {
	const me = requireStaff(event, 'admin');
	const staff = await listStaff(getDatabase());
	return {
		me: me.id,
		roles: STAFF_ROLES,
		locales,
		staff: staff.map((user) => ({
			id: user.id,
			name: user.name,
			email: user.email,
			role: user.role,
			hasTwoFactor: user.totp_enabled_at !== null,
			isDisabled: user.is_disabled,
			isInvited: user.password_hash === null,
			lastSignedInAt: user.last_signed_in_at
		})),
		notice: event.url.searchParams.get('notice')
	};
};

function rowRefusal(id: string, status: number, message: string) {
	return fail(status, { form: 'row' as const, id, message });
}

/** A refused change, shown beside the row it was about. */
function refusal(id: string, result: Exclude<StaffChangeResult, { ok: true }>) {
	return result.reason === 'last_admin'
		? rowRefusal(id, 409, m.auth_error_last_admin())
		: rowRefusal(id, 404, m.auth_error_not_found());
}

/** The step that asks again before someone loses access; the page shows it with the row's name. */
function askToConfirm(
	target: { id: string; name: string; email: string; role: StaffRole },
	change: { action: 'disable' } | { action: 'role'; role: StaffRole }
) {
	return {
		form: 'confirm' as const,
		id: target.id,
		name: target.name || target.email,
		from: target.role,
		...change
	};
}

export const actions = {
	invite: async (event) => {
		const me = requireStaff(event, 'admin');
		const formData = await readForm(event.request);
		const values = echo(formData, ['name', 'email', 'role', 'locale']);
		const parsed = parseForm(inviteForm, formData);
		if (!parsed.ok) return fail(400, { form: 'invite' as const, values, errors: parsed.errors });
		const { name, email, role, locale } = parsed.data;
		if (!isStaffRole(role) || !isLocale(locale)) error(400, 'Unknown role or language');
		const invited = await inviteStaff(getDatabase(), {
			email,
			name,
			role,
			locale,
			invitedBy: me.id,
			origin: event.url.origin,
			requestId: event.locals.requestId
		});
		if (!invited.ok) {
			return fail(400, {
				form: 'invite' as const,
				values,
				errors: { email: m.auth_error_email_taken() }
			});
		}
		redirect(303, '/admin/staff?notice=invited');
	},

	resend: async (event) => {
		const me = requireStaff(event, 'admin');
		const { id } = readChangeForm(await readForm(event.request));
		const result = await resendInvitation(getDatabase(), id, {
			invitedBy: me.id,
			origin: event.url.origin,
			requestId: event.locals.requestId
		});
		if (!result.ok) return rowRefusal(id, 409, m.staff_error_not_invited());
		redirect(303, '/admin/staff?notice=resent');
	},

	role: async (event) => {
		const me = requireStaff(event, 'admin');
		const parsed = readChangeForm(await readForm(event.request));
		if (!isStaffRole(parsed.role)) return rowRefusal(parsed.id, 400, m.auth_error_role_unknown());
		const role = parsed.role;
		if (parsed.id === me.id && role !== me.role)
			return rowRefusal(parsed.id, 409, m.staff_error_self_demote());
		const target = await findStaffById(getDatabase(), parsed.id);
		if (!target) return refusal(parsed.id, { ok: false, reason: 'not_found' });
		const isDemotion = !hasRole({ role }, target.role);
		if (isDemotion && !parsed.isConfirmed) return askToConfirm(target, { action: 'role', role });
		const result = await changeAccount(event, me.id, 'staff.role_change', (trx) =>
			setStaffRole(trx, parsed.id, role)
		);
		if (!result.ok) return refusal(parsed.id, result);
		redirect(303, '/admin/staff?notice=role-changed');
	},

	disable: async (event) => {
		const me = requireStaff(event, 'admin');
		const { id, isConfirmed } = readChangeForm(await readForm(event.request));
		if (id === me.id) return rowRefusal(id, 409, m.staff_error_self_disable());
		if (!isConfirmed) {
			const target = await findStaffById(getDatabase(), id);
			if (!target) return refusal(id, { ok: false, reason: 'not_found' });
			return askToConfirm(target, { action: 'disable' });
		}
		return setDisabled(event, me.id, id, true);
	},

	enable: async (event) => {
		const me = requireStaff(event, 'admin');
		const { id } = readChangeForm(await readForm(event.request));
		return setDisabled(event, me.id, id, false);
	}
} satisfies Actions;

async function setDisabled(event: RequestEvent, actorId: string, id: string, isDisabled: boolean) {
	const action = isDisabled ? 'staff.disable' : 'staff.enable';
	const result = await changeAccount(event, actorId, action, (trx) =>
		setStaffDisabled(trx, id, isDisabled)
	);
	if (!result.ok) return refusal(id, result);
	redirect(303, `/admin/staff?notice=${isDisabled ? 'disabled' : 'enabled'}`);
}

/** One change to someone's account, audited (before and after, no secrets) when it changed. */
async function changeAccount(
	event: RequestEvent,
	actorId: string,
	action: string,
	change: (trx: Transaction<Database>) => Promise<StaffChangeResult>
): Promise<StaffChangeResult> {
	return getDatabase()
		.transaction()
		.execute(async (trx) => {
			const changed = await change(trx);
			if (!changed.ok) return changed;
			const before = staffAuditView(changed.before);
			const after = staffAuditView(changed.after);
			if (JSON.stringify(before) !== JSON.stringify(after)) {
				await recordAudit(trx, {
					staffUserId: actorId,
					action,
					entityType: 'staff_user',
					entityId: changed.after.id,
					before,
					after,
					requestId: event.locals.requestId
				});
			}
			return changed;
		});
}
