import { m } from '$lib/paraglide/messages.js';

// The words of the appeal's "other ways to give" panel, in the request's language. They are worded
// on the server and sent with the page's data: none of them changes while the page is open, and
// the browser is then not sent all four languages of them in the page's script (the first visit
// on a phone must stay under 50 KB).

export interface OtherWaysWords {
	title: string;
	intro: string;
	bankTitle: string;
	bankName: string;
	bankAccount: string;
	iban: string;
	bic: string;
	referenceLabel: string;
	reference: string;
	referenceHint: string;
	vippsTitle: string;
	vippsNumber: string;
	vippsHint: string;
	vippsQrAlt: string;
}

export function otherWaysWords(organisationName: string, vippsNumber: string): OtherWaysWords {
	return {
		title: m.other_ways_title(),
		intro: m.other_ways_intro(),
		bankTitle: m.bank_title(),
		bankName: m.bank_name_label(),
		bankAccount: m.bank_account_label(),
		iban: m.bank_iban_label(),
		bic: m.bank_bic_label(),
		referenceLabel: m.bank_reference_label(),
		reference: m.bank_reference_value({ organisation: organisationName }),
		referenceHint: m.bank_reference_hint(),
		vippsTitle: m.vipps_title(),
		vippsNumber: m.vipps_number_label(),
		vippsHint: m.vipps_hint(),
		vippsQrAlt: m.vipps_qr_alt({ number: vippsNumber })
	};
}
