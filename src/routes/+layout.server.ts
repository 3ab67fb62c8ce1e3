import { organisationTimeZone } from '$lib/dates';
import type { LayoutServerLoad } from './$types';

// The browser formats dates in the organisation's time zone too, not in its own clock's.
export const load: LayoutServerLoad = () => ({ timeZone: organisationTimeZone() });
