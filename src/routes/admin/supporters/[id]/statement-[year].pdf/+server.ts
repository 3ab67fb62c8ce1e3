import { error } from '@sveltejs/kit';
import { isLocale } from '$lib/locales';
import { requireStaff } from '$lib/server/auth/guard';
import { getDatabase } from '$lib/server/db/instance';
import { pdfResponse } from '$lib/server/documents/pdf-response';
import { renderStatementPdf } from '$lib/server/documents/statement-pdf';
import { findSupporterById } from '$lib/server/supporters/profile';
import type { RequestHandler } from './$types';

// A supporter's year-end statement, in their language unless ?locale= asks for another.
export const GET: RequestHandler = async (event) => {
	requireStaff(event, 'viewer');
	const year = /^\d{4}$/.test(event.params.year) ? Number(event.params.year) : NaN;
	const db = getDatabase();
	const supporter = await findSupporterById(db, event.params.id);
	if (!supporter || Number.isNaN(year)) error(404, 'Not found');
	const asked = event.url.searchParams.get('locale');
	const locale = isLocale(asked) ? asked : supporter.preferred_locale;
	const document = await renderStatementPdf(db, supporter.id, year, locale);
	if (!document) error(404, 'Not found');
	return pdfResponse(document);
};
