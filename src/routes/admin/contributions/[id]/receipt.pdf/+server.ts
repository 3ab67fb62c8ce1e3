import { error } from '@sveltejs/kit';
import { isLocale } from '$lib/locales';
import { requireStaff } from '$lib/server/auth/guard';
import { getDatabase } from '$lib/server/db/instance';
import { pdfResponse } from '$lib/server/documents/pdf-response';
import { renderReceiptPdf } from '$lib/server/documents/receipt-pdf';
import { loadReceipt } from '$lib/server/documents/statements';
import type { RequestHandler } from './$types';

// A gift's receipt as the supporter gets it: in their language unless ?locale= asks for another.
export const GET: RequestHandler = async (event) => {
	requireStaff(event, 'viewer');
	const db = getDatabase();
	const receipt = await loadReceipt(db, event.params.id);
	if (!receipt) error(404, 'Not found');
	const asked = event.url.searchParams.get('locale');
	const locale = isLocale(asked) ? asked : receipt.supporter.preferredLocale;
	const document = await renderReceiptPdf(db, event.params.id, locale);
	if (!document) error(404, 'Not found');
	return pdfResponse(document);
};
