import { error, fail, redirect } from '@sveltejs/kit';
import { m } from '$lib/paraglide/messages';
import { parseNorwegianId, type NorwegianIdProblem } from '$lib/supporters/norwegian-id';
import { getDatabase } from '$lib/server/db/instance';
import { findOrganisation } from '$lib/server/organisation/settings';
import { linkRequestAction } from '$lib/server/self-service/forms';
import { listGivingYears, listOwnGifts, listOwnPlans } from '$lib/server/self-service/giving';
import { requireSupporter } from '$lib/server/self-service/handle';
import { findContactConsent, setOwnContactConsent } from '$lib/server/supporters/supporters';
import {
	findTaxIdentity,
	removeTaxIdentity,
	saveTaxIdentity
} from '$lib/server/self-service/tax-identity';
import type { Actions, PageServerLoad } from './$types';
import { readForm } from '$lib/server/http/form';

const notices = ['tax_saved', 'tax_removed', 'contact_yes', 'contact_no'] as const;
type Notice = (typeof notices)[number];

export const load: PageServerLoad = async ({ locals, url }) => {
	const supporter = locals.supporter;
	if (!supporter) {
		// Receipts and payment-failed emails from before the one-click links came here with the
		// address filled in; those emails still do.
		return {
			isSignedIn: false as const,
			prefilledEmail: (url.searchParams.get('email') ?? '').trim().slice(0, 254)
		};
	}
	const db = getDatabase();
	const [organisation, gifts, plans, years, taxIdentity, contactConsent] = await Promise.all([
		findOrganisation(db),
		listOwnGifts(db, supporter.id),
		listOwnPlans(db, supporter.id),
		listGivingYears(db, supporter.id),
		findTaxIdentity(db, supporter.id),
		findContactConsent(db, supporter.id)
	]);
	const notice = notices.find((n) => n === url.searchParams.get('done')) ?? null;
	return {
		isSignedIn: true as const,
		email: supporter.email,
		gifts,
		plans,
		years,
		bankTransfer: organisation.bank_account_number.trim()
			? { accountNumber: organisation.bank_account_number, kid: supporter.kid }
			: null,
		// A number given while the report was on can still be seen and removed after it is off.
		tax:
			organisation.tax_report_enabled || taxIdentity
				? { identity: taxIdentity, thresholdMinor: organisation.tax_report_threshold_minor }
				: null,
		contactConsent,
		notice: notice as Notice | null
	};
};

function taxProblemText(problem: NorwegianIdProblem): string {
	return {
		empty: m.my_tax_error_empty,
		not_digits: m.my_tax_error_not_digits,
		length: m.my_tax_error_length,
		date: m.my_tax_error_date,
		check_digits: m.my_tax_error_check_digits
	}[problem]();
}

async function requireTaxReport() {
	const organisation = await findOrganisation(getDatabase());
	if (!organisation.tax_report_enabled) error(404, 'Not found');
}

export const actions = {
	request: linkRequestAction,

	tax: async (event) => {
		const supporter = requireSupporter(event);
		await requireTaxReport();
		const formData = await readForm(event.request);
		const typed = String(formData.get('identifier') ?? '').slice(0, 40);
		const hasConsent = formData.get('consent') === 'on';
		const parsed = parseNorwegianId(typed);
		const errors: { identifier?: string; consent?: string } = {};
		if (!parsed.ok) errors.identifier = taxProblemText(parsed.problem);
		if (!hasConsent) errors.consent = m.my_tax_error_consent();
		if (!parsed.ok || !hasConsent) {
			return fail(400, { tax: { identifier: typed, hasConsent, errors } });
		}
		await saveTaxIdentity(getDatabase(), supporter.id, parsed);
		event.locals.log.info({ supporterId: supporter.id }, 'tax identity given on /my');
		redirect(303, '/my?done=tax_saved#tax');
	},

	// The same words as the appeal's box, in the reader's language, kept with the consent.
	contact: async (event) => {
		const supporter = requireSupporter(event);
		const formData = await readForm(event.request);
		const isGiven = formData.get('contact') === 'on';
		await setOwnContactConsent(
			getDatabase(),
			supporter.id,
			isGiven ? { isGiven, wording: m.appeal_contact_consent() } : { isGiven }
		);
		event.locals.log.info({ supporterId: supporter.id, isGiven }, 'contact consent set on /my');
		redirect(303, `/my?done=${isGiven ? 'contact_yes' : 'contact_no'}#contact`);
	},

	taxRemove: async (event) => {
		const supporter = requireSupporter(event);
		await removeTaxIdentity(getDatabase(), supporter.id);
		event.locals.log.info({ supporterId: supporter.id }, 'tax identity removed on /my');
		redirect(303, '/my?done=tax_removed#tax');
	}
} satisfies Actions;
