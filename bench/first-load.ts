// What a first visitor's phone downloads for the appeal, measured in Chromium itself: a fresh
// profile (empty cache, no cookies), 390 px wide, Accept-Language for the language, and the bytes
// Chromium's network stack reports for every response the page loads.
import { chromium, type Browser } from '@playwright/test';
import { chromiumLaunchOptions } from '../tests/chromium.ts';

export type Kind = 'html' | 'css' | 'js' | 'font' | 'image' | 'other';

export interface LoadedFile {
	url: string;
	kind: Kind;
	status: number;
	encoding: string;
	/** Body bytes as they crossed the wire (compressed). */
	body: number;
	/** Body plus response headers: what DevTools calls "transferred". */
	transferred: number;
	/** The body once decoded. */
	decoded: number;
}

function kindOf(resourceType: string, mimeType: string): Kind {
	if (resourceType === 'Document') return 'html';
	if (resourceType === 'Stylesheet' || mimeType.includes('css')) return 'css';
	if (resourceType === 'Script' || mimeType.includes('javascript')) return 'js';
	if (resourceType === 'Font' || mimeType.startsWith('font/')) return 'font';
	if (resourceType === 'Image' || mimeType.startsWith('image/')) return 'image';
	return 'other';
}

export async function launchBrowser(): Promise<Browser> {
	return chromium.launch(chromiumLaunchOptions);
}

/**
 * Loads `url` as a first visitor would and lists every response with its sizes. Each call is a
 * new browser context: nothing cached, no cookies, no service worker.
 */
export async function measureFirstLoad(
	browser: Browser,
	url: string,
	acceptLanguage: string,
	viewport = { width: 390, height: 844 }
): Promise<LoadedFile[]> {
	const context = await browser.newContext({
		viewport,
		deviceScaleFactor: 3,
		isMobile: true,
		hasTouch: true,
		locale: acceptLanguage.split(',')[0],
		extraHTTPHeaders: { 'accept-language': acceptLanguage }
	});
	const page = await context.newPage();
	const cdp = await context.newCDPSession(page);
	await cdp.send('Network.enable');
	await cdp.send('Network.setCacheDisabled', { cacheDisabled: false });
	const responses = new Map<
		string,
		Omit<LoadedFile, 'body' | 'transferred' | 'decoded'> & { headerBytes: number; decoded: number }
	>();
	const files: LoadedFile[] = [];
	cdp.on('Network.responseReceived', ({ requestId, type, response }) => {
		const headers = Object.fromEntries(
			Object.entries(response.headers).map(([k, v]) => [k.toLowerCase(), String(v)])
		);
		const headerText = Object.entries(response.headers)
			.map(([k, v]) => `${k}: ${v}\r\n`)
			.join('');
		responses.set(requestId, {
			url: response.url,
			kind: kindOf(type, response.mimeType),
			status: response.status,
			encoding: headers['content-encoding'] ?? 'identity',
			headerBytes:
				`HTTP/1.1 ${response.status} ${response.statusText}\r\n`.length + headerText.length + 2,
			decoded: 0
		});
	});
	cdp.on('Network.dataReceived', ({ requestId, dataLength }) => {
		const response = responses.get(requestId);
		if (response) response.decoded += dataLength;
	});
	cdp.on('Network.loadingFinished', ({ requestId, encodedDataLength }) => {
		const response = responses.get(requestId);
		if (!response) return;
		const { headerBytes, ...file } = response;
		// encodedDataLength counts the headers as they arrived on the wire plus the encoded body.
		files.push({
			...file,
			transferred: encodedDataLength,
			body: Math.max(0, encodedDataLength - headerBytes)
		});
	});
	await page.goto(url, { waitUntil: 'load' });
	// Scripts may fetch more (fonts after layout, lazy chunks): let the network settle.
	await page.waitForLoadState('networkidle');
	await context.close();
	return files;
}

export function totals(files: LoadedFile[], kinds: Kind[]) {
	const chosen = files.filter((f) => kinds.includes(f.kind));
	return {
		files: chosen.length,
		body: chosen.reduce((n, f) => n + f.body, 0),
		transferred: chosen.reduce((n, f) => n + f.transferred, 0),
		decoded: chosen.reduce((n, f) => n + f.decoded, 0)
	};
}
