import { redirect } from '@sveltejs/kit';
import type { RequestHandler } from './$types';

// A campaign's short address, for print, video and social posts: the appeal with the campaign
// named, the link's other parameters (amount, utm_*) kept.
export const GET: RequestHandler = ({ params, url }) => {
	const target = new URL('/', url);
	target.search = url.search;
	target.searchParams.set('campaign', params.slug.toLowerCase());
	redirect(307, `${target.pathname}${target.search}`);
};
