import { fail } from '@sveltejs/kit';
import { readCampaign, type CampaignErrorCode } from '$lib/campaigns/campaign-form';
import { m } from '$lib/paraglide/messages';
import { readForm } from '$lib/server/http/form';

const errorText = (code: CampaignErrorCode): string =>
	({
		required: m.admin_settings_error_required,
		too_long: m.admin_gift_error_too_long,
		slug_invalid: m.campaigns_error_slug_invalid,
		slug_taken: m.campaigns_error_slug_taken,
		date_invalid: m.campaigns_error_date,
		dates_order: m.campaigns_error_dates_order,
		amount_invalid: m.campaigns_error_amount,
		presets_invalid: m.campaigns_error_presets
	})[code]();

/** The campaign form, read and checked: the campaign, or the refusal with each field's error. */
export async function readCampaignForm(request: Request) {
	const result = readCampaign(await readForm(request));
	if (result.ok) return result;
	return { ok: false as const, refusal: refuseCampaign(result.values, result.errors) };
}

export const refuseCampaign = (
	values: Record<string, string>,
	errors: Record<string, CampaignErrorCode>
) =>
	fail(400, {
		values,
		errors: Object.fromEntries(
			Object.entries(errors).map(([field, code]) => [field, errorText(code)])
		)
	});
