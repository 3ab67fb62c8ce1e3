import { fail, redirect } from '@sveltejs/kit';
import { readGiftEntry } from '$lib/giving/gift-entry';
import { giftErrorTexts } from '$lib/giving/gift-errors';
import { m } from '$lib/paraglide/messages';
import { requireStaff } from '$lib/server/auth/guard';
import { getDatabase } from '$lib/server/db/instance';
import { recordManualGift } from '$lib/server/giving/manual-gifts';
import { listCampaigns } from '$lib/server/campaigns/campaigns';
import { findSupporterCandidates, findSupporterSummary } from '$lib/server/supporters/search';
import { listEnabledCurrencies, findOrganisation } from '$lib/server/organisation/settings';
import type { Actions, PageServerLoad } from './$types';
import { readForm } from '$lib/server/http/form';

const uuidPattern = /^[0-9a-f-]{36}$/i;
const today = () => new Date().toISOString().slice(0, 10);

export const load: PageServerLoad = async (event) => {
	requireStaff(event, 'staff');
	const db = getDatabase();
	const find = event.url.searchParams.get('find')?.trim() ?? '';
	const chosenId = event.url.searchParams.get('supporter') ?? '';
	const [organisation, currencies, candidates, chosen, campaigns] = await Promise.all([
		findOrganisation(db),
		listEnabledCurrencies(db),
		find.length >= 2 ? findSupporterCandidates(db, find) : [],
		uuidPattern.test(chosenId) ? findSupporterSummary(db, chosenId) : undefined,
		listCampaigns(db)
	]);
	return {
		find,
		candidates,
		chosen: chosen ?? null,
		currencies: currencies.map((c) => c.currency),
		defaultCurrency: organisation.default_currency,
		campaigns: campaigns.map(({ id, name }) => ({ id, name })),
		today: today()
	};
};

export const actions = {
	record: async (event) => {
		const staff = requireStaff(event, 'staff');
		const result = readGiftEntry(await readForm(event.request), {
			today: today(),
			locale: event.locals.locale
		});
		if (!result.ok) {
			return fail(400, { values: result.values, errors: giftErrorTexts(result.errors) });
		}
		const outcome = await recordManualGift(getDatabase(), result.gift, {
			staffUserId: staff.id,
			requestId: event.locals.requestId
		});
		if (!outcome.ok) {
			const errors =
				outcome.reason === 'already_recorded'
					? { reference: m.admin_gift_error_already_recorded() }
					: { supporter: m.admin_gift_error_supporter_unknown() };
			return fail(400, { values: result.values, errors, existingId: outcome.existingId });
		}
		redirect(303, `/admin/contributions/${outcome.contribution.id}?recorded=1`);
	}
} satisfies Actions;
