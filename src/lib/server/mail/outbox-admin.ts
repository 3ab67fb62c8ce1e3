import { sql, type Kysely } from 'kysely';
import { recordAudit } from '../organisation/audit.ts';
import type { Database, EmailMessage, EmailStatus } from '../db/schema.ts';
import { epochMicroseconds, fromEpochMicroseconds } from '../db/keyset.ts';

// What admins read at /admin/outbox: every message Komak queued, newest first, and one message
// with its text and HTML. Admin only: the outbox holds sign-in links.

export const OUTBOX_PAGE_SIZE = 50;

export type OutboxRow = Pick<
	EmailMessage,
	| 'id'
	| 'kind'
	| 'to_address'
	| 'subject'
	| 'status'
	| 'attempts'
	| 'last_error'
	| 'created_at'
	| 'sent_at'
>;

export interface OutboxPage {
	messages: OutboxRow[];
	/** Where the next (older) page starts, or null on the last page. */
	olderCursor: string | null;
}

/** A page cursor: the row's created_at in microseconds and its id, "1764063600123456_<uuid>". */
const cursorPattern = /^(\d{1,17})_([0-9a-f-]{36})$/;

/**
 * One page of the outbox, newest first, after `cursor` (the last row of the page before). The
 * (created_at, id) keyset follows email_message_created_idx, so every page costs what the first
 * costs. An unreadable cursor starts from the newest.
 */
export async function listOutbox(
	db: Kysely<Database>,
	{ cursor = null, pageSize = OUTBOX_PAGE_SIZE }: { cursor?: string | null; pageSize?: number } = {}
): Promise<OutboxPage> {
	const at = cursor ? cursorPattern.exec(cursor) : null;
	let query = db
		.selectFrom('email_message')
		.select([
			'id',
			'kind',
			'to_address',
			'subject',
			'status',
			'attempts',
			'last_error',
			'created_at',
			'sent_at',
			epochMicroseconds(sql`created_at`).as('createdMicros')
		])
		.orderBy('created_at', 'desc')
		.orderBy('id', 'desc')
		.limit(pageSize + 1);
	if (at)
		query = query.where(
			sql<boolean>`(created_at, id) < (${fromEpochMicroseconds(Number(at[1]))}, ${at[2]}::uuid)`
		);
	const rows = await query.execute();
	const page = rows.slice(0, pageSize);
	const last = page.at(-1);
	return {
		messages: page.map((row) => ({
			id: row.id,
			kind: row.kind,
			to_address: row.to_address,
			subject: row.subject,
			status: row.status,
			attempts: row.attempts,
			last_error: row.last_error,
			created_at: row.created_at,
			sent_at: row.sent_at
		})),
		olderCursor: rows.length > pageSize && last ? `${last.createdMicros}_${last.id}` : null
	};
}

const uuidPattern = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** One message with its bodies, or undefined (also for an id that is not a uuid). */
export async function findOutboxMessage(
	db: Kysely<Database>,
	id: string
): Promise<EmailMessage | undefined> {
	if (!uuidPattern.test(id)) return undefined;
	return db.selectFrom('email_message').selectAll().where('id', '=', id).executeTakeFirst();
}

/** Which messages staff may send again: those given up on, and those kept without a server. */
export const canSendAgain = (status: EmailStatus) => status === 'failed' || status === 'kept';

/**
 * Puts a failed or kept message back in the queue with a fresh set of attempts; the worker sends
 * it on its next round. Returns false when the message is not one to send again.
 */
export async function sendAgain(
	db: Kysely<Database>,
	id: string,
	context: { staffUserId: string; requestId: string }
): Promise<boolean> {
	if (!uuidPattern.test(id)) return false;
	return db.transaction().execute(async (trx) => {
		const updated = await trx
			.updateTable('email_message')
			.set({ status: 'queued', attempts: 0, next_attempt_at: sql`now()`, locked_until: null })
			.where('id', '=', id)
			.where('status', 'in', ['failed', 'kept'])
			.returning(['kind', 'to_address'])
			.executeTakeFirst();
		if (!updated) return false;
		await recordAudit(trx, {
			staffUserId: context.staffUserId,
			action: 'email.send_again',
			entityType: 'email_message',
			entityId: id,
			after: { kind: updated.kind },
			requestId: context.requestId
		});
		return true;
	});
}
