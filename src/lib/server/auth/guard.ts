import { error, redirect } from '@sveltejs/kit';
import type { Locale } from '../../locales.ts';
import type { StaffRole } from '../db/schema.ts';

export interface StaffIdentity {
	id: string;
	email: string;
	name: string;
	role: StaffRole;
	hasTwoFactor: boolean;
	/** The language chosen for this account's admin; null until its first signed-in page. */
	locale: Locale | null;
}

const roleRank: Record<StaffRole, number> = { viewer: 0, staff: 1, admin: 2 };

/** Whether `staff` may do what `role` may: admin ⊃ staff ⊃ viewer. */
export function hasRole(staff: Pick<StaffIdentity, 'role'> | null, role: StaffRole): boolean {
	return staff !== null && roleRank[staff.role] >= roleRank[role];
}

/**
 * The guard every admin load and action calls itself (a layout check alone does not protect an
 * action): anonymous → 303 to sign-in (coming back afterwards), too small a role → 403.
 */
export function requireStaff(
	event: { locals: App.Locals; url: URL },
	role: StaffRole = 'viewer'
): StaffIdentity {
	const staff = event.locals.staff;
	if (!staff) {
		const next = event.url.pathname + event.url.search;
		redirect(303, `/admin/sign-in?next=${encodeURIComponent(next)}`);
	}
	if (!hasRole(staff, role)) error(403, 'Your role does not allow this.');
	return staff;
}
