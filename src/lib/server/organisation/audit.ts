import { sql, type Kysely, type Transaction } from 'kysely';
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

/** An entity's id as a uuid for the join, or null when the entry is of another type. */
const subjectId = (type: string) =>
	sql<string | null>`case when audit_log.entity_type = ${type}
		and audit_log.entity_id ~* '^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$'
		then audit_log.entity_id::uuid end`;

/**
 * A page of the audit log, newest first, with who did each thing and what it was done to (a
 * supporter's or staff member's name, a gift's amount, an email's address…, so the page can say it
 * in words): the entries before the id `before` (the id grows with time, so it alone pages
 * through the log), of one entity if named.
 */
export async function listAuditEntries(
	db: Db,
	{ before, entity, pageSize }: { before: number | null; entity: string; pageSize: number }
) {
	let query = db
		.selectFrom('audit_log')
		.leftJoin('staff_user', 'staff_user.id', 'audit_log.staff_user_id')
		.leftJoin('staff_user as subject_staff', (join) =>
			join.on(sql<boolean>`subject_staff.id = ${subjectId('staff_user')}`)
		)
		.leftJoin('supporter as subject_supporter', (join) =>
			join.on(sql<boolean>`subject_supporter.id = ${subjectId('supporter')}`)
		)
		.leftJoin('contribution as gift', (join) =>
			join.on(sql<boolean>`gift.id = ${subjectId('contribution')}`)
		)
		.leftJoin('supporter as giver', 'giver.id', 'gift.supporter_id')
		.leftJoin('email_message as email', (join) =>
			join.on(sql<boolean>`email.id = ${subjectId('email_message')}`)
		)
		.leftJoin('import_batch', (join) =>
			join.on(sql<boolean>`import_batch.id = ${subjectId('import_batch')}`)
		)
		.leftJoin('statement_run', (join) =>
			join.on(sql<boolean>`statement_run.id = ${subjectId('statement_run')}`)
		)
		.leftJoin('campaign', (join) => join.on(sql<boolean>`campaign.id = ${subjectId('campaign')}`))
		.select([
			'audit_log.id',
			'audit_log.action',
			'audit_log.entity_type',
			'audit_log.entity_id',
			'audit_log.before',
			'audit_log.after',
			'audit_log.request_id',
			'audit_log.created_at',
			'audit_log.staff_user_id',
			'staff_user.name as staffName',
			'staff_user.email as staffEmail',
			'subject_staff.name as subjectStaffName',
			'subject_staff.email as subjectStaffEmail',
			'subject_supporter.name as supporterName',
			'subject_supporter.email as supporterEmail',
			'gift.amount_minor as giftAmountMinor',
			'gift.currency as giftCurrency',
			'giver.name as giverName',
			'email.to_address as emailTo',
			'import_batch.file_name as importFileName',
			'statement_run.year as statementYear',
			'campaign.name as campaignName'
		])
		.orderBy('audit_log.id', 'desc')
		.limit(pageSize + 1);
	if (before !== null) query = query.where('audit_log.id', '<', before);
	if (entity) query = query.where('audit_log.entity_id', '=', entity);
	const rows = await query.execute();
	return { rows: rows.slice(0, pageSize), hasMore: rows.length > pageSize };
}

export type AuditRow = Awaited<ReturnType<typeof listAuditEntries>>['rows'][number];
