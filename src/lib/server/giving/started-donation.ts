import type { Donation } from '../../giving/donation-form.ts';
import type { AttributionColumns } from '../db/schema.ts';

/**
 * Who the supporter said they are on the appeal, and where they came from, in the columns every
 * started donation keeps while they pay (a card checkout, a Vipps payment or a Vipps agreement).
 */
export const supporterChoices = (
	donation: Donation,
	locale: string,
	attribution?: AttributionColumns
) => ({
	...attribution,
	email: donation.email,
	name: donation.name,
	is_anonymous: donation.isAnonymous,
	dedication: donation.dedication,
	contact_consent_wording: donation.contactConsentWording ?? null,
	locale
});
