import { error, type RequestEvent } from '@sveltejs/kit';
import { appealLink, readAppealLinkChoices } from '$lib/campaigns/appeal-link';
import { findCampaign } from '$lib/server/campaigns/campaigns';
import { getDatabase } from '$lib/server/db/instance';
import { getAppealSettings } from '$lib/server/organisation/settings';

/**
 * The link staff built on the campaign's page, from the page's (or the QR code's) query: the
 * page and both QR downloads read it the same way, so the QR code is always of the link shown.
 */
export async function campaignLinkFor(event: RequestEvent<{ id: string }>) {
	const db = getDatabase();
	const [campaign, { currencies }] = await Promise.all([
		findCampaign(db, event.params.id),
		getAppealSettings(db)
	]);
	if (!campaign) error(404, 'No such campaign');
	const currencyCodes = currencies.map((rules) => rules.currency);
	const { choices, errors } = readAppealLinkChoices(event.url.searchParams, currencyCodes);
	return {
		campaign,
		currencyCodes,
		choices,
		errors,
		link: appealLink(event.url.origin, campaign.slug, choices)
	};
}
