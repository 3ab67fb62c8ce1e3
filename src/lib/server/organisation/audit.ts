import type { Kysely, Transaction } from 'kysely';
import type { Database } from '../db/schema.ts';

type Db = Kysely<Database> | Transaction<Database>;

export interface AuditEntry {
	staffUserId: string | null;
	/** What was done, as a verb phrase: `supporter.update`, `contribution.void`, `import.commit`. */
	action: string;
	entityType: string;
	entityId?: string | null;
	before?: unknown;
	after?: unknown;
	requestId?: string | null;
}

/**
 * Records one admin write. Call it inside the transaction that makes the change, so the log and
 * the change stand or fall together.
 */
export async function recordAudit(db: Db, entry: AuditEntry): Promise<void> {
	await db
		.insertInto('audit_log')
		.values({
			staff_user_id: entry.staffUserId,
			action: entry.action,
			entity_type: entry.entityType,
			entity_id: entry.entityId ?? null,
			before: entry.before === undefined ? null : JSON.stringify(entry.before),
			after: entry.after === undefined ? null : JSON.stringify(entry.after),
			request_id: entry.requestId ?? null
		})
		.execute();
}

/**
 * A page of the audit log, newest first, with who did each thing: the entries before the id
 * `before` (the id grows with time, so it alone pages through the log), of one entity if named.
 */
export async function listAuditEntries(
	db: Db,
	{ before, entity, pageSize }: { before: number | null; entity: string; pageSize: number }
) {
	let query = db
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
	if (before !== null) query = query.where('audit_log.id', '<', before);
	if (entity) query = query.where('audit_log.entity_id', '=', entity);
	const rows = await query.execute();
	return { rows: rows.slice(0, pageSize), hasMore: rows.length > pageSize };
}
