import type { Donation } from '../../giving/donation-form.ts';

/**
 * Who the supporter said they are on the appeal, in the columns every started donation keeps
 * while they pay (a card checkout, a Vipps payment or a Vipps agreement).
 */
export const supporterChoices = (donation: Donation, locale: string) => ({
	email: donation.email,
	name: donation.name,
	is_anonymous: donation.isAnonymous,
	dedication: donation.dedication,
	locale
});
