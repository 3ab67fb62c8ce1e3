import { parseAmount, toInputString } from '../money.ts';

// A campaign's link with choices made for the reader (amount, currency, frequency) and the
// utm_* values that say where it was shared. Staff build it on the campaign's page; the QR code
// for print and video encodes the same address. Pure: the page, the QR endpoints and the tests
// all read the choices from a URL's query with this one function.

export const linkFrequencies = ['one_off', 'monthly'] as const;
export type LinkFrequency = (typeof linkFrequencies)[number];

export interface AppealLinkChoices {
	/** The amount as the appeal's field shows it ("300", "12.50"), or '' for the presets. */
	amount: string;
	currency: string;
	/** '' leaves the campaign's own default. */
	frequency: LinkFrequency | '';
	utmSource: string;
	utmMedium: string;
	utmCampaign: string;
}

export type AppealLinkField = 'amount' | 'currency' | 'utm_source' | 'utm_medium' | 'utm_campaign';
export type AppealLinkError = 'invalid_amount' | 'invalid_currency' | 'too_long';

const UTM_MAX = 100;

/**
 * The choices in a query (`amount`, `currency`, `frequency`, `utm_*`). A bad value is an error
 * for its field and is left out of the link, so the link always opens a working appeal.
 */
export function readAppealLinkChoices(
	params: URLSearchParams,
	currencies: readonly string[]
): { choices: AppealLinkChoices; errors: Partial<Record<AppealLinkField, AppealLinkError>> } {
	const errors: Partial<Record<AppealLinkField, AppealLinkError>> = {};
	const text = (name: string) => (params.get(name) ?? '').trim();

	let currency = text('currency').toUpperCase();
	if (currency && !currencies.includes(currency)) {
		errors.currency = 'invalid_currency';
		currency = '';
	}
	let amount = text('amount');
	if (amount) {
		// Read in the link's currency, or the first one the appeal offers when none is chosen.
		const parsed = parseAmount(amount, currency || currencies[0] || 'NOK');
		if (parsed.ok && parsed.amountMinor > 0) {
			amount = toInputString(parsed.amountMinor, currency || currencies[0] || 'NOK');
		} else {
			errors.amount = 'invalid_amount';
			amount = '';
		}
	}
	const frequency = linkFrequencies.find((f) => f === text('frequency')) ?? '';
	const utm = (name: 'utm_source' | 'utm_medium' | 'utm_campaign') => {
		const value = text(name);
		if (value.length <= UTM_MAX) return value;
		errors[name] = 'too_long';
		return '';
	};
	return {
		choices: {
			amount,
			currency,
			frequency,
			utmSource: utm('utm_source'),
			utmMedium: utm('utm_medium'),
			utmCampaign: utm('utm_campaign')
		},
		errors
	};
}

/** The choices as query parameters, empty ones left out: the link's, and the QR code's own. */
export function appealLinkParams(choices: AppealLinkChoices): URLSearchParams {
	const params = new URLSearchParams();
	const entries: [string, string][] = [
		['amount', choices.amount],
		['currency', choices.currency],
		['frequency', choices.frequency],
		['utm_source', choices.utmSource],
		['utm_medium', choices.utmMedium],
		['utm_campaign', choices.utmCampaign]
	];
	for (const [name, value] of entries) if (value) params.set(name, value);
	return params;
}

/** The campaign's short address (`/c/<slug>`) with the choices made. */
export function appealLink(origin: string, slug: string, choices: AppealLinkChoices): string {
	const url = new URL(`/c/${encodeURIComponent(slug)}`, origin);
	url.search = appealLinkParams(choices).toString();
	return url.toString();
}
