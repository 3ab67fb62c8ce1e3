import { sql, type Kysely, type Transaction } from 'kysely';
import type { Database, EmailAttachment } from '../db/schema.ts';
import type { RenderedEmail } from './layout.ts';

type Db = Kysely<Database> | Transaction<Database>;

export interface QueuedEmail extends RenderedEmail {
	/** What the message is: receipt, sign_in_link, payment_failed, statement… */
	kind: string;
	to: string;
	locale: string;
	supporterId?: string | null;
	/** At most one message is ever queued per key, e.g. `receipt:<contribution id>`. */
	dedupeKey?: string;
	attachments?: EmailAttachment[];
}

/**
 * Puts a message in the queue (the outbox) and returns its id, or null when a message with the same
 * key is already there. Only a row is written, inside the caller's transaction if it has one, so
 * sending can never block or undo what the caller records; the mail worker sends it later.
 */
export async function queueEmail(db: Db, email: QueuedEmail): Promise<string | null> {
	const row = await db
		.insertInto('email_message')
		.values({
			kind: email.kind,
			to_address: email.to.trim(),
			supporter_id: email.supporterId ?? null,
			locale: email.locale,
			subject: email.subject,
			text_body: email.text,
			html_body: email.html,
			attachments: JSON.stringify(email.attachments ?? []),
			dedupe_key: email.dedupeKey ?? null,
			next_attempt_at: sql`now()`
		})
		.onConflict((oc) => oc.column('dedupe_key').doNothing())
		.returning('id')
		.executeTakeFirst();
	return row?.id ?? null;
}
