import { requireStaff } from '$lib/server/auth/guard';
import { getDatabase } from '$lib/server/db/instance';
import { listAuditEntries } from '$lib/server/organisation/audit';
import { describeAuditEntry } from './audit-sentence';
import type { PageServerLoad } from './$types';

const pageSize = 50;

export const load: PageServerLoad = async (event) => {
	requireStaff(event, 'admin');
	const params = event.url.searchParams;
	const before = Number(params.get('before'));
	const entity = params.get('entity')?.trim() ?? '';
	const { rows, hasMore } = await listAuditEntries(getDatabase(), {
		before: Number.isSafeInteger(before) && before > 0 ? before : null,
		entity,
		pageSize
	});
	const entries = rows.map((row) => ({
		id: row.id,
		createdAt: row.created_at,
		sentence: describeAuditEntry(row, event.locals.locale),
		before: row.before === null ? null : JSON.stringify(row.before, null, 2),
		after: row.after === null ? null : JSON.stringify(row.after, null, 2)
	}));
	return { entries, entity, nextBefore: hasMore ? entries.at(-1)!.id : null };
};
