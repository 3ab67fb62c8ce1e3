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
