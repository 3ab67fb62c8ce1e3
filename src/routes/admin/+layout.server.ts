import type { LayoutServerLoad } from './$types';

// Only what the frame needs; every page and action checks the staff member's role itself.
export const load: LayoutServerLoad = ({ locals }) => ({ staff: locals.staff });
