import { actions as appealActions } from '../../+page.server';
import { appealData } from '../../appeal.server';
import type { Actions, PageServerLoad } from './$types';

// The appeal inside an article's frame (embed.js makes the frame): the same form and actions as
// `/`, compact, in the article's language (`?lang=`), with the article's address (`?source=`) kept
// as the gift's source page. Framing is allowed only for the sites in settings (hooks.server.ts).
export const csr = false;

export const load: PageServerLoad = async ({ url, params, locals }) => {
	const appeal = await appealData(url, params.campaign);
	// The form's post keeps the language and the source, so a page with mistakes (shown in the top
	// window, without JavaScript) is still in the article's language and still credits it.
	const kept = new URLSearchParams({ lang: locals.locale });
	if (appeal.sourcePage) kept.set('source', appeal.sourcePage);
	return { ...appeal, actionQuery: `${kept}&` };
};

export const actions = appealActions satisfies Actions;
