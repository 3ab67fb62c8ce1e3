import { fail, redirect } from '@sveltejs/kit';
import { z } from 'zod';
import { m } from '$lib/paraglide/messages';
import { recordAudit } from '$lib/server/audit';
import { getDatabase } from '$lib/server/database';
import { checkNewPassword, echo, emailField, nameField, parseForm } from '$lib/server/auth/forms';
import { requireStaff } from '$lib/server/auth/guard';
import { hashPassword, MINIMUM_PASSWORD_LENGTH } from '$lib/server/auth/password';
import {
	createStaffUser,
	isStaffRole,
	listStaff,
	setStaffDisabled,
	setStaffRole,
	staffAuditView,
	STAFF_ROLES,
	type StaffChangeResult
} from '$lib/server/auth/staff';
import type { Actions, PageServerLoad } from './$types';

const roleField = () =>
	z.string().refine(isStaffRole, { error: () => m.auth_error_role_unknown() });

const addForm = z.object({
	name: nameField(),
	email: emailField(),
	role: roleField(),
	password: z.string().default('')
});

const changeForm = z.object({ id: z.string().catch(''), role: z.string().catch('') });

export const load: PageServerLoad = async (event) => {
	const me = requireStaff(event, 'admin');
	const staff = await listStaff(getDatabase());
	return {
		me: me.id,
		roles: STAFF_ROLES,
		staff: staff.map((user) => ({
			id: user.id,
			name: user.name,
			email: user.email,
			role: user.role,
			hasTwoFactor: user.totp_enabled_at !== null,
			isDisabled: user.is_disabled,
			lastSignedInAt: user.last_signed_in_at
		})),
		notice: event.url.searchParams.get('notice'),
		minimumPasswordLength: MINIMUM_PASSWORD_LENGTH
	};
};

/** A refused change, shown beside the row it was about. */
function refusal(id: string, result: Exclude<StaffChangeResult, { ok: true }>) {
	const message =
		result.reason === 'last_admin' ? m.auth_error_last_admin() : m.auth_error_not_found();
	return fail(result.reason === 'last_admin' ? 409 : 404, { form: 'row' as const, id, message });
}

export const actions = {
	add: async (event) => {
		const me = requireStaff(event, 'admin');
		const formData = await event.request.formData();
		const values = echo(formData, ['name', 'email', 'role']);
		const parsed = parseForm(addForm, formData);
		const errors = parsed.ok
			? checkNewPassword(parsed.data.password, parsed.data.password, parsed.data.email, {
					password: 'password',
					repeated: 'password'
				})
			: parsed.errors;
		if (!parsed.ok || Object.keys(errors).length) {
			return fail(400, { form: 'add' as const, values, errors });
		}
		const { name, email, role, password } = parsed.data;
		if (!isStaffRole(role)) return fail(400, { form: 'add' as const, values, errors });
		const passwordHash = await hashPassword(password);
		const created = await getDatabase()
			.transaction()
			.execute(async (trx) => {
				const result = await createStaffUser(trx, { email, name, role, passwordHash });
				if (result.ok) {
					await recordAudit(trx, {
						staffUserId: me.id,
						action: 'staff.create',
						entityType: 'staff_user',
						entityId: result.user.id,
						after: staffAuditView(result.user),
						requestId: event.locals.requestId
					});
				}
				return result;
			});
		if (!created.ok) {
			return fail(400, {
				form: 'add' as const,
				values,
				errors: { email: m.auth_error_email_taken() }
			});
		}
		redirect(303, '/admin/staff?notice=added');
	},

	role: async (event) => {
		const me = requireStaff(event, 'admin');
		const parsed = changeForm.parse(Object.fromEntries(await event.request.formData()));
		if (!isStaffRole(parsed.role)) {
			return fail(400, {
				form: 'row' as const,
				id: parsed.id,
				message: m.auth_error_role_unknown()
			});
		}
		const role = parsed.role;
		const result = await getDatabase()
			.transaction()
			.execute(async (trx) => {
				const changed = await setStaffRole(trx, parsed.id, role);
				if (changed.ok && changed.before.role !== changed.after.role) {
					await recordAudit(trx, {
						staffUserId: me.id,
						action: 'staff.role_change',
						entityType: 'staff_user',
						entityId: changed.after.id,
						before: staffAuditView(changed.before),
						after: staffAuditView(changed.after),
						requestId: event.locals.requestId
					});
				}
				return changed;
			});
		if (!result.ok) return refusal(parsed.id, result);
		redirect(303, '/admin/staff?notice=role-changed');
	},

	disable: (event) => setDisabled(event, true),
	enable: (event) => setDisabled(event, false)
} satisfies Actions;

async function setDisabled(event: Parameters<Actions[string]>[0], isDisabled: boolean) {
	const me = requireStaff(event, 'admin');
	const { id } = changeForm.parse(Object.fromEntries(await event.request.formData()));
	const result = await getDatabase()
		.transaction()
		.execute(async (trx) => {
			const changed = await setStaffDisabled(trx, id, isDisabled);
			if (changed.ok && changed.before.is_disabled !== changed.after.is_disabled) {
				await recordAudit(trx, {
					staffUserId: me.id,
					action: isDisabled ? 'staff.disable' : 'staff.enable',
					entityType: 'staff_user',
					entityId: changed.after.id,
					before: staffAuditView(changed.before),
					after: staffAuditView(changed.after),
					requestId: event.locals.requestId
				});
			}
			return changed;
		});
	if (!result.ok) return refusal(id, result);
	redirect(303, `/admin/staff?notice=${isDisabled ? 'disabled' : 'enabled'}`);
}
