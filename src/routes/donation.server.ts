import { fail } from '@sveltejs/kit';
import { m } from '$lib/paraglide/messages';
import { readDonationForm, validateDonation, type DonationRules } from '$lib/giving/donation-form';
import { fieldErrorText } from '$lib/giving/donation-errors';
import type { Kysely } from 'kysely';
import { readAttribution } from '$lib/campaigns/attribution';
import { attributionColumns } from '$lib/server/campaigns/campaigns';
import type { Database } from '$lib/server/db/schema';
import { readForm } from '$lib/server/http/form';

/**
 * The appeal's form, read and checked the same way for the card and the Vipps button: the gift,
 * or the refusal to answer with, each field's error worded here, so the page's script carries no
 * error texts in four languages.
 */
export async function readDonation(request: Request, rules: DonationRules) {
	const form = await readForm(request);
	const result = validateDonation(readDonationForm(form), rules);
	if (result.ok) {
		// Unticked unless the reader ticks it; kept with the words they saw.
		const contactConsentWording =
			form.get('contact_consent') === 'on' ? m.appeal_contact_consent() : null;
		return { ...result, donation: { ...result.donation, contactConsentWording }, form };
	}
	const errors = Object.fromEntries(
		Object.entries(result.errors).map(([field, error]) => [field, fieldErrorText(error)])
	);
	return { ok: false as const, refusal: fail(400, { values: result.values, errors }) };
}

/**
 * Where a checkout came from, with no cookie: the campaign and source fields of the form, else
 * the appeal's address, which the browser sends as the form post's Referer.
 */
export const startedAttribution = (
	db: Kysely<Database>,
	form: FormData,
	request: Request,
	url: URL
) => attributionColumns(db, readAttribution(form, request.headers.get('referer'), url.origin));
