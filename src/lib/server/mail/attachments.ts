import type { Kysely } from 'kysely';
import type { Database, EmailAttachment } from '../db-schema.ts';

export interface RenderedAttachment {
	filename: string;
	contentType: string;
	content: Uint8Array;
}

/**
 * Makes the file a queued message names (a receipt or a year-end statement as PDF) when the
 * message is sent, in the message's language, so the queue never holds documents.
 */
export async function renderAttachment(
	_db: Kysely<Database>,
	attachment: EmailAttachment,
	_locale: string
): Promise<RenderedAttachment> {
	// Filled in with the PDF documents.
	throw new Error(`no renderer for ${attachment.type} attachments yet`);
}
