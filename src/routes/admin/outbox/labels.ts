import { m } from '$lib/paraglide/messages';
import type { EmailAttachment, EmailStatus } from '$lib/server/db/schema';

// The outbox's words in the page's language. Kinds are named by the parts of Komak that queue
// them; one this page does not know yet is shown as it is stored.

export function statusLabel(status: EmailStatus): string {
	return {
		queued: m.outbox_status_queued,
		sending: m.outbox_status_sending,
		sent: m.outbox_status_sent,
		failed: m.outbox_status_failed,
		kept: m.outbox_status_kept
	}[status]();
}

const kindLabels: Record<string, () => string> = {
	receipt: m.outbox_kind_receipt,
	sign_in_link: m.outbox_kind_sign_in_link,
	payment_failed: m.outbox_kind_payment_failed,
	statement: m.outbox_kind_statement,
	staff_invite: m.staff_outbox_kind_invite
};

export function kindLabel(kind: string): string {
	return kindLabels[kind]?.() ?? kind;
}

export function attachmentLabel(attachment: EmailAttachment): string {
	return attachment.type === 'receipt'
		? m.outbox_attachment_receipt()
		: m.outbox_attachment_statement({ year: attachment.year });
}
