import { requireStaff } from '$lib/server/auth/guard';
import { getDatabase } from '$lib/server/db/instance';
import type { PageServerLoad } from './$types';

const pageSize = 50;

export const load: PageServerLoad = async (event) => {
	requireStaff(event, 'admin');
	const params = event.url.searchParams;
	const before = Number(params.get('before'));
	const entity = params.get('entity')?.trim() ?? '';
	let query = getDatabase()
		.selectFrom('audit_log')
		.leftJoin('staff_user', 'staff_user.id', 'audit_log.staff_user_id')
		.select([
			'audit_log.id',
			'audit_log.action',
			'audit_log.entity_type',
			'audit_log.entity_id',
			'audit_log.before',
			'audit_log.after',
			'audit_log.request_id',
			'audit_log.created_at',
			'staff_user.name as staffName',
			'staff_user.email as staffEmail'
		])
		.orderBy('audit_log.id', 'desc')
		.limit(pageSize + 1);
	// The id grows with time, so it alone pages through the log.
	if (Number.isSafeInteger(before) && before > 0) query = query.where('audit_log.id', '<', before);
	if (entity) query = query.where('audit_log.entity_id', '=', entity);
	const rows = await query.execute();
	const hasMore = rows.length > pageSize;
	const entries = rows.slice(0, pageSize).map((row) => ({
		...row,
		before: row.before === null ? null : JSON.stringify(row.before, null, 2),
		after: row.after === null ? null : JSON.stringify(row.after, null, 2)
	}));
	return { entries, entity, nextBefore: hasMore ? entries.at(-1)!.id : null };
};
