import { requireStaff } from '$lib/server/auth/guard';
import { qrCodePng } from '$lib/server/organisation/qr';
import { campaignLinkFor } from '../campaign-link.server';
import type { RequestHandler } from './$types';

// The campaign link's QR code as a PNG for video, downloaded.
export const GET: RequestHandler = async (event) => {
	requireStaff(event);
	const { campaign, link } = await campaignLinkFor(event);
	return new Response(new Uint8Array(await qrCodePng(link)), {
		headers: {
			'content-type': 'image/png',
			'cache-control': 'private, no-store',
			'content-disposition': `attachment; filename="${campaign.slug}-qr.png"`
		}
	});
};
