import type { PdfDocument } from './receipt-pdf.ts';

/** A PDF as a download that no shared cache keeps (it holds a supporter's giving). */
export function pdfResponse(document: PdfDocument): Response {
	return new Response(document.content as Uint8Array<ArrayBuffer>, {
		headers: {
			'content-type': 'application/pdf',
			'content-disposition': `attachment; filename="${document.filename}"`,
			'cache-control': 'private, no-store'
		}
	});
}
