import { fail } from '@sveltejs/kit';
import {
	readSettings,
	settingsToValues,
	type SettingsErrorCode
} from '$lib/organisation/settings-form';
import { m } from '$lib/paraglide/messages';
import { requireStaff } from '$lib/server/auth/guard';
import { getDatabase } from '$lib/server/db/instance';
import { loadSettings, saveSettings } from '$lib/server/organisation/settings';
import type { Actions, PageServerLoad } from './$types';
import { readForm } from '$lib/server/http/form';

export const load: PageServerLoad = async (event) => {
	requireStaff(event, 'admin');
	const values = settingsToValues(await loadSettings(getDatabase()));
	const timeZones = Intl.supportedValuesOf('timeZone');
	// A zone the list does not name (an alias such as UTC) stays choosable, so saving keeps it.
	if (!timeZones.includes(values.timeZone)) timeZones.unshift(values.timeZone);
	return { values, saved: event.url.searchParams.has('saved'), timeZones };
};

function errorText(code: SettingsErrorCode): string {
	return {
		required: m.admin_settings_error_required,
		too_long: m.admin_gift_error_too_long,
		email_invalid: m.admin_gift_error_email_invalid,
		amount_invalid: m.admin_settings_error_amount,
		percent_invalid: m.admin_settings_error_percent,
		range_invalid: m.admin_settings_error_range,
		presets_invalid: m.admin_settings_error_presets,
		no_currency: m.admin_settings_error_no_currency,
		organisation_number_invalid: m.statements_tax_error_organisation_number,
		time_zone_invalid: m.admin_settings_error_time_zone,
		embed_origin_invalid: m.embed_settings_error_origin
	}[code]();
}

export const actions = {
	save: async (event) => {
		const staff = requireStaff(event, 'admin');
		const result = readSettings(await readForm(event.request));
		if (!result.ok) {
			const errors = Object.fromEntries(
				Object.entries(result.errors).map(([field, code]) => [field, errorText(code)])
			);
			return fail(400, { values: result.values, errors });
		}
		await saveSettings(getDatabase(), result.settings, {
			staffUserId: staff.id,
			requestId: event.locals.requestId
		});
		return { saved: true };
	}
} satisfies Actions;
