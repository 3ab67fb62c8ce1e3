import { error } from '@sveltejs/kit';
import { getDatabase } from '$lib/server/db/instance';
import { getAppealSettings } from '$lib/server/organisation/settings';
import { qrCodeSvg, vippsDonationUrl } from '$lib/server/organisation/qr';
import type { RequestHandler } from './$types';

// The Vipps QR code as an image of its own: cached by browsers, and not repeated in every page.
export const GET: RequestHandler = async () => {
	const { organisation } = await getAppealSettings(getDatabase());
	const vippsNumber = organisation.vipps_number;
	if (!vippsNumber) error(404, 'No Vipps number is set');
	return new Response(await qrCodeSvg(vippsDonationUrl(vippsNumber)), {
		headers: {
			'content-type': 'image/svg+xml; charset=utf-8',
			'cache-control': 'public, max-age=300'
		}
	});
};
