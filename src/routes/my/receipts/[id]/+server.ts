import { error } from '@sveltejs/kit';
import { getDatabase } from '$lib/server/db/instance';
import { pdfResponse } from '$lib/server/documents/pdf-response';
import { renderReceiptPdf } from '$lib/server/documents/receipt-pdf';
import { requireSupporter } from '$lib/server/self-service/handle';
import { loadReceipt } from '$lib/server/documents/statements';
import type { RequestHandler } from './$types';

// A signed-in supporter's receipt for one of their own gifts, in the language of the page.
export const GET: RequestHandler = async (event) => {
	const supporter = requireSupporter(event);
	const db = getDatabase();
	const receipt = await loadReceipt(db, event.params.id);
	// Another supporter's gift answers exactly as a gift that does not exist.
	if (!receipt || receipt.supporter.id !== supporter.id) error(404, 'Not found');
	const document = await renderReceiptPdf(db, receipt.gift.id, event.locals.locale);
	if (!document) error(404, 'Not found');
	return pdfResponse(document);
};
