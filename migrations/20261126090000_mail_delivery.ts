import { sql, type Kysely } from 'kysely';

// Sending mail: a status for messages kept in the outbox because no mail server is set, and what
// the receipt issuer needs to find, cheaply, the gifts whose receipt is still to be made.
export async function up(db: Kysely<any>): Promise<void> {
	// `kept`: the worker found no SMTP_URL; the message stays readable at /admin/outbox and is not
	// sent later by itself (a sign-in link sent days late would only confuse), unless staff ask.
	await sql`alter table email_message drop constraint email_message_status_check`.execute(db);
	await sql`alter table email_message add constraint email_message_status_check
		check (status in ('queued', 'sending', 'sent', 'failed', 'kept'))`.execute(db);

	// Why a gift that would have a receipt has none: it was recorded before receipts existed, or
	// its supporter had no email address when the receipt was due. Gifts recorded before this
	// migration read 'before_receipts' (a column default PostgreSQL keeps in the catalogue, so a
	// million-row table is not rewritten): an upgrade must not mail a receipt for every past gift.
	// New gifts get no default, so their receipt is due.
	await sql`alter table contribution add column receipt_skip_reason text default 'before_receipts'`.execute(
		db
	);
	await sql`alter table contribution alter column receipt_skip_reason drop default`.execute(db);
	// Checked by reading the table, not rewriting it (measured: 0.2 s for a million gifts).
	await sql`alter table contribution add constraint contribution_receipt_skip_reason_check
		check (receipt_skip_reason in ('before_receipts', 'no_email')) not valid`.execute(db);
	await sql`alter table contribution validate constraint contribution_receipt_skip_reason_check`.execute(
		db
	);
	// A recent payment still pending, or a failed monthly payment Stripe still retries (for up to
	// a few weeks), that succeeds after the upgrade is a new gift to its supporter: it gets its
	// receipt. Older ones will not change any more.
	await sql`update contribution set receipt_skip_reason = null
		where status in ('pending', 'failed') and received_at > now() - interval '60 days'`.execute(db);

	// The receipt issuer's scan (mail/receipts.ts): only gifts whose receipt is due are in it, so
	// it stays small however many gifts there are.
	await sql`create index contribution_receipt_due_idx on contribution (created_at, id)
		where status = 'succeeded' and receipt_number is null and receipt_skip_reason is null
			and (channel = 'card' or receipt_requested)`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
	await sql`drop index contribution_receipt_due_idx`.execute(db);
	await sql`alter table contribution drop column receipt_skip_reason`.execute(db);
	await sql`update email_message set status = 'queued' where status = 'kept'`.execute(db);
	await sql`alter table email_message drop constraint email_message_status_check`.execute(db);
	await sql`alter table email_message add constraint email_message_status_check
		check (status in ('queued', 'sending', 'sent', 'failed'))`.execute(db);
}
