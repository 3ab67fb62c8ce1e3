import { error, redirect } from '@sveltejs/kit';
import { requireStaff } from '$lib/server/auth/guard';
import { getDatabase } from '$lib/server/db/instance';
import { csvDownload } from '$lib/server/http/csv-download';
import { isStatementYear } from '$lib/server/documents/statements';
import {
	buildTaxReport,
	recordTaxReportExport,
	taxReportCsv
} from '$lib/server/documents/tax-report';
import type { RequestHandler } from './$types';

// The year's tax-deduction report with the supporters' identity numbers: admins only, and every
// download is in the audit log.
export const GET: RequestHandler = async (event) => {
	const staff = requireStaff(event, 'admin');
	const year = Number(event.url.searchParams.get('year'));
	if (!isStatementYear(year)) error(404, 'Not found');
	const db = getDatabase();
	const report = await buildTaxReport(db, year);
	if (!report.ok) {
		if (report.reason === 'unreadable') {
			event.locals.log.error({ supporterId: report.supporterId }, 'tax identity cannot be opened');
			redirect(303, `/admin/tax-report?year=${year}&unreadable`);
		}
		redirect(303, `/admin/tax-report?year=${year}`);
	}
	await recordTaxReportExport(db, {
		staffUserId: staff.id,
		requestId: event.locals.requestId,
		year,
		rowCount: report.rows.length
	});
	return csvDownload(taxReportCsv(report), `komak-tax-report-${year}.csv`, 'private, no-store');
};
