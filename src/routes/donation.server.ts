import { fail } from '@sveltejs/kit';
import { readDonationForm, validateDonation, type DonationRules } from '$lib/giving/donation-form';
import { fieldErrorText } from '$lib/giving/donation-errors';
import { readForm } from '$lib/server/http/form';

/**
 * The appeal's form, read and checked the same way for the card and the Vipps button: the gift,
 * or the refusal to answer with, each field's error worded here, so the page's script carries no
 * error texts in four languages.
 */
export async function readDonation(request: Request, rules: DonationRules) {
	const result = validateDonation(readDonationForm(await readForm(request)), rules);
	if (result.ok) return result;
	const errors = Object.fromEntries(
		Object.entries(result.errors).map(([field, error]) => [field, fieldErrorText(error)])
	);
	return { ok: false as const, refusal: fail(400, { values: result.values, errors }) };
}
