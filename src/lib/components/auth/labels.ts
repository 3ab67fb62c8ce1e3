import { m } from '$lib/paraglide/messages';

// The words of staff accounts, in the page's language.

const roleLabels = {
	admin: m.admin_role_admin,
	staff: m.admin_role_staff,
	viewer: m.admin_role_viewer
};

export function roleLabel(role: keyof typeof roleLabels): string {
	return roleLabels[role]();
}
