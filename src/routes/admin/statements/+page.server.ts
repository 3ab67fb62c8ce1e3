import { fail, redirect } from '@sveltejs/kit';
import { m } from '$lib/paraglide/messages';
import { hasRole, requireStaff } from '$lib/server/auth/guard';
import { config } from '$lib/server/config';
import { getDatabase } from '$lib/server/db/instance';
import {
	countStatementRecipients,
	driveStatementRun,
	listGivingYears,
	listStatementRuns,
	pickGivingYear,
	resumeStatementRuns,
	startStatementRun
} from '$lib/server/documents/statement-runs';
import type { Actions, PageServerLoad } from './$types';
import { readForm } from '$lib/server/http/form';

export const load: PageServerLoad = async (event) => {
	const staff = requireStaff(event, 'staff');
	const db = getDatabase();
	// A run left unfinished by a restart carries on as soon as someone looks.
	await resumeStatementRuns(db, { origin: config().ORIGIN });
	const { years, year } = await pickGivingYear(db, event.url.searchParams.get('year'));
	return {
		years,
		year,
		recipients: year ? await countStatementRecipients(db, year) : 0,
		runs: await listStatementRuns(db),
		canSeeTaxReport: hasRole(staff, 'admin'),
		started: event.url.searchParams.has('started')
	};
};

export const actions = {
	start: async (event) => {
		const staff = requireStaff(event, 'staff');
		const db = getDatabase();
		const year = Number((await readForm(event.request)).get('year'));
		if (!(await listGivingYears(db)).includes(year))
			return fail(400, { year, error: m.statements_error_year() });
		const result = await startStatementRun(db, year, {
			staffUserId: staff.id,
			requestId: event.locals.requestId
		});
		if (!result.ok)
			return fail(400, {
				year,
				error:
					result.reason === 'already_running'
						? m.statements_error_running({ year })
						: m.statements_error_nobody({ year })
			});
		driveStatementRun(db, result.runId, { origin: config().ORIGIN }).catch((error) =>
			event.locals.log.error({ err: error, runId: result.runId }, 'statement run stopped')
		);
		redirect(303, `/admin/statements?year=${year}&started`);
	}
} satisfies Actions;
