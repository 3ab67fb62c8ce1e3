import { error } from '@sveltejs/kit';
import { getDatabase } from '$lib/server/db/instance';
import { pdfResponse } from '$lib/server/documents/pdf-response';
import { renderStatementPdf } from '$lib/server/documents/statement-pdf';
import { requireSupporter } from '$lib/server/self-service/handle';
import { listStatementYears } from '$lib/server/documents/statements';
import type { RequestHandler } from './$types';

// A signed-in supporter's year-end statement, for a year they gave in, in the page's language.
export const GET: RequestHandler = async (event) => {
	const supporter = requireSupporter(event);
	const year = /^\d{4}$/.test(event.params.year) ? Number(event.params.year) : NaN;
	const db = getDatabase();
	if (!(await listStatementYears(db, supporter.id)).includes(year)) error(404, 'Not found');
	const document = await renderStatementPdf(db, supporter.id, year, event.locals.locale);
	if (!document) error(404, 'Not found');
	return pdfResponse(document);
};
