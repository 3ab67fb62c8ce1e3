import { requireStaff } from '$lib/server/auth/guard';
import { qrCodeSvgForPrint } from '$lib/server/organisation/qr';
import { campaignLinkFor } from '../campaign-link.server';
import type { RequestHandler } from './$types';

// The campaign link's QR code as SVG: shown on the campaign's page, and downloaded for print.
export const GET: RequestHandler = async (event) => {
	requireStaff(event);
	const { campaign, link } = await campaignLinkFor(event);
	const isDownload = event.url.searchParams.has('download');
	return new Response(await qrCodeSvgForPrint(link), {
		headers: {
			'content-type': 'image/svg+xml; charset=utf-8',
			'cache-control': 'private, no-store',
			...(isDownload && {
				'content-disposition': `attachment; filename="${campaign.slug}-qr.svg"`
			})
		}
	});
};
