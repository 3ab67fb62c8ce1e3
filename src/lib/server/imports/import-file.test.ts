import { describe, expect, it } from 'vitest';
import { decodeImportFile, encodeImportFile, readUploadedText } from './import-file.ts';

describe('the file carried by the preview form', () => {
	it('comes back exactly as it went, line endings and all', () => {
		const content = '"Dato";"Forklaring"\r\n"03.03.2025";"Gave fra Øyvind"\r\n';
		expect(decodeImportFile(encodeImportFile(content))).toBe(content);
	});

	it('is refused when tampered with', () => {
		expect(decodeImportFile('')).toBeNull();
		expect(decodeImportFile('AAAA')).toBeNull();
		expect(decodeImportFile('not base64!')).toBeNull();
	});

	it('is refused when it unpacks to more than the size limit', () => {
		const huge = encodeImportFile('x'.repeat(3 * 1024 * 1024));
		expect(huge.length).toBeLessThan(10_000);
		expect(decodeImportFile(huge)).toBeNull();
	});
});

describe('readUploadedText', () => {
	it('reads UTF-8 without its byte order mark', () => {
		const bytes = new TextEncoder().encode('\uFEFFInn på konto');
		expect(readUploadedText(bytes)).toBe('Inn på konto');
	});

	it('reads an older bank export in Windows-1252', () => {
		const latin1 = Uint8Array.from([0x49, 0x6e, 0x6e, 0x20, 0x70, 0xe5, 0x20, 0xd8]);
		expect(readUploadedText(latin1)).toBe('Inn på Ø');
	});
});
