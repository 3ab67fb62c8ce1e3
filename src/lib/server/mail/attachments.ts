import type { Kysely } from 'kysely';
import type { Database, EmailAttachment } from '../db/schema.ts';
import { renderReceiptPdf } from '../documents/receipt-pdf.ts';
import { renderStatementPdf } from '../documents/statement-pdf.ts';

export interface RenderedAttachment {
	filename: string;
	contentType: string;
	content: Uint8Array;
}

/**
 * Makes the file a queued message names (a receipt or a year-end statement as PDF) when the
 * message is sent, in the message's language, so the queue never holds documents. Throws when
 * the gift or supporter is gone (or the gift was voided): the message then fails with that error
 * rather than going out without what it promises.
 */
export async function renderAttachment(
	db: Kysely<Database>,
	attachment: EmailAttachment,
	locale: string
): Promise<RenderedAttachment> {
	const document =
		attachment.type === 'receipt'
			? await renderReceiptPdf(db, attachment.contributionId, locale)
			: await renderStatementPdf(db, attachment.supporterId, attachment.year, locale);
	if (!document)
		throw new Error(`nothing to make a ${attachment.type} of: ${JSON.stringify(attachment)}`);
	return { filename: document.filename, contentType: 'application/pdf', content: document.content };
}
