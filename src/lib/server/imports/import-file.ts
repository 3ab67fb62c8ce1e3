import { gunzipSync, gzipSync } from 'node:zlib';
import { storableText } from '../../storable-text.ts';

/** Files larger than this are refused; a month of a small newsroom's statement is far smaller. */
export const MAX_IMPORT_FILE_BYTES = 2 * 1024 * 1024;

/**
 * An uploaded file as text. Bank exports come in UTF-8 or, from older systems, Windows-1252
 * (Latin-1): a file that is not valid UTF-8 is read as the latter, so "Inn på konto" survives.
 */
export function readUploadedText(bytes: Uint8Array): string {
	let text: string;
	try {
		text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
	} catch {
		text = new TextDecoder('windows-1252').decode(bytes);
	}
	return storableText(text.replace(/^\uFEFF/, ''));
}

/**
 * The preview form carries the file itself, so the import stays stateless: nothing is stored
 * between preview and commit, and the commit reads the file again rather than trust a browser's
 * rows. Compressed, as bank files shrink tenfold.
 */
export function encodeImportFile(content: string): string {
	return gzipSync(Buffer.from(content, 'utf8')).toString('base64');
}

/** The file back from the form field; null when the field was tampered with or is too large. */
export function decodeImportFile(field: string): string | null {
	if (!/^[A-Za-z0-9+/]*={0,2}$/.test(field) || field.length === 0) return null;
	try {
		const bytes = gunzipSync(Buffer.from(field, 'base64'), {
			maxOutputLength: MAX_IMPORT_FILE_BYTES
		});
		return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
	} catch {
		return null;
	}
}
