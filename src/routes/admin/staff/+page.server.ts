import { error, fail, redirect } from '@sveltejs/kit';
import type { Transaction } from 'kysely';
import { z } from 'zod';
import { m } from '$lib/paraglide/messages';
import { recordAudit } from '$lib/server/organisation/audit';
import { getDatabase } from '$lib/server/db/instance';
import type { Database } from '$lib/server/db/schema';
import { echo, emailField, nameField, parseForm, passwordRuleText } from '$lib/server/auth/forms';
import { requireStaff } from '$lib/server/auth/guard';
import {
	checkPasswordRule,
	hashPassword,
	MINIMUM_PASSWORD_LENGTH
} from '$lib/server/auth/password';
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
import type { Actions, PageServerLoad, RequestEvent } from './$types';
import { readForm } from '$lib/server/http/form';

const roleField = () =>
	z.string().refine(isStaffRole, { error: () => m.auth_error_role_unknown() });

const addForm = z.object({
	name: nameField(),
	email: emailField(),
	role: roleField(),
	password: z.string().default('')
});

// An id that is not a uuid names no account: 404, never a database error.
const changeForm = z.object({ id: z.uuid().catch(''), role: z.string().catch('') });

function readChangeForm(form: FormData) {
	const parsed = changeForm.parse(Object.fromEntries(form));
	if (!parsed.id) error(404, 'No such staff account');
	return parsed;
}

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
		const formData = await readForm(event.request);
		const values = echo(formData, ['name', 'email', 'role']);
		const parsed = parseForm(addForm, formData);
		const broken = checkPasswordRule(String(formData.get('password') ?? ''), values.email);
		if (!parsed.ok || broken) {
			const errors = {
				...(parsed.ok ? {} : parsed.errors),
				...(broken ? { password: passwordRuleText(broken) } : {})
			};
			return fail(400, { form: 'add' as const, values, errors });
		}
		const { name, email, role, password } = parsed.data;
		if (!isStaffRole(role)) error(400, 'Unknown role');
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
		const parsed = readChangeForm(await readForm(event.request));
		if (!isStaffRole(parsed.role)) {
			return fail(400, {
				form: 'row' as const,
				id: parsed.id,
				message: m.auth_error_role_unknown()
			});
		}
		const role = parsed.role;
		const result = await changeAccount(event, me.id, 'staff.role_change', (trx) =>
			setStaffRole(trx, parsed.id, role)
		);
		if (!result.ok) return refusal(parsed.id, result);
		redirect(303, '/admin/staff?notice=role-changed');
	},

	disable: (event) => setDisabled(event, true),
	enable: (event) => setDisabled(event, false)
} satisfies Actions;

async function setDisabled(event: RequestEvent, isDisabled: boolean) {
	const me = requireStaff(event, 'admin');
	const { id } = readChangeForm(await readForm(event.request));
	const action = isDisabled ? 'staff.disable' : 'staff.enable';
	const result = await changeAccount(event, me.id, action, (trx) =>
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
