// Where a gift came from, read without a cookie or a third-party script: the campaign and utm_*
// values of the link the reader followed, and the page that sent them (the article that embeds
// the appeal, or the referring page). Pure: used by the server for every checkout.

export interface Attribution {
	campaignSlug: string | null;
	utmSource: string | null;
	utmMedium: string | null;
	utmCampaign: string | null;
	sourcePage: string | null;
}

const MAX_VALUE = 200;
const MAX_PAGE = 500;

const clean = (value: string | null | undefined, max = MAX_VALUE) => {
	// eslint-disable-next-line no-control-regex
	const text = (value ?? '').replace(/[\u0000-\u001f\u007f]/g, '').trim();
	return text ? text.slice(0, max) : null;
};

/**
 * A page's address as a source: its origin and path only, never its query or fragment (they may
 * carry a reader's email or a session); only http(s) pages count.
 */
export function sourcePageOf(address: string | null | undefined): string | null {
	if (!address) return null;
	try {
		const url = new URL(address);
		if (url.protocol !== 'https:' && url.protocol !== 'http:') return null;
		return clean(`${url.origin}${url.pathname}`, MAX_PAGE);
	} catch {
		return null;
	}
}

/** The campaign and utm_* values of an address the reader opened (the appeal's own link). */
export function linkAttribution(params: URLSearchParams) {
	return {
		campaignSlug: clean(params.get('campaign'))?.toLowerCase() ?? null,
		utmSource: clean(params.get('utm_source')),
		utmMedium: clean(params.get('utm_medium')),
		utmCampaign: clean(params.get('utm_campaign'))
	};
}

/**
 * What a checkout came from: the form's own fields (`campaign`, `source_page`, `utm_*`, put there
 * by the page or its script), else the appeal's address, which the browser sends as the form
 * post's Referer. A source page on our own site (the appeal itself) is no source.
 */
export function readAttribution(
	form: FormData,
	appealAddress: string | null,
	ownOrigin: string
): Attribution {
	let fromAddress = linkAttribution(new URLSearchParams());
	if (appealAddress) {
		try {
			const url = new URL(appealAddress);
			if (url.origin === ownOrigin) fromAddress = linkAttribution(url.searchParams);
		} catch {
			// not an address: nothing to read from it
		}
	}
	const field = (name: string) => clean(form.get(name)?.toString());
	const sourcePage = sourcePageOf(form.get('source_page')?.toString());
	return {
		campaignSlug: field('campaign')?.toLowerCase() ?? fromAddress.campaignSlug,
		utmSource: field('utm_source') ?? fromAddress.utmSource,
		utmMedium: field('utm_medium') ?? fromAddress.utmMedium,
		utmCampaign: field('utm_campaign') ?? fromAddress.utmCampaign,
		sourcePage: sourcePage && !sourcePage.startsWith(`${ownOrigin}/`) ? sourcePage : null
	};
}
