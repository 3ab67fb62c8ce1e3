import QRCode from 'qrcode';

const cache = new Map<string, string>();

/** Vipps' documented donation link for a Vippsnummer; scanning it opens the app on that number. */
export function vippsDonationUrl(vippsNumber: string): string {
	return `https://qr.vipps.no/donations/${encodeURIComponent(vippsNumber.replace(/\D/g, ''))}`;
}

/** An inline SVG QR code; the same text always gives the same picture, so it is kept. */
export async function qrCodeSvg(text: string): Promise<string> {
	let svg = cache.get(text);
	if (!svg) {
		svg = await QRCode.toString(text, { type: 'svg', errorCorrectionLevel: 'M', margin: 1 });
		if (cache.size > 100) cache.clear();
		cache.set(text, svg);
	}
	return svg;
}

/** A QR code for print: SVG (it scales to any size) with the standard four-module quiet zone. */
export function qrCodeSvgForPrint(text: string): Promise<string> {
	return QRCode.toString(text, { type: 'svg', errorCorrectionLevel: 'M', margin: 4 });
}

/** A QR code for video: a square PNG, 1080 pixels wide (a full-HD frame's height). */
export function qrCodePng(text: string): Promise<Buffer> {
	return QRCode.toBuffer(text, { type: 'png', errorCorrectionLevel: 'M', margin: 4, width: 1080 });
}
