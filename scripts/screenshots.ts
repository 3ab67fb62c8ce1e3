// node scripts/screenshots.ts [baseUrl] — screenshots of the appeal for docs/, at phone and
// desktop widths, in each language. Start the app first (npm start).
import { chromium } from '@playwright/test';
import { chromiumLaunchOptions } from '../tests/chromium.ts';

const baseUrl = process.argv[2] ?? 'http://localhost:3000';
const outDir = process.argv[3] ?? 'docs/screenshots';
const browser = await chromium.launch(chromiumLaunchOptions);
try {
	for (const locale of ['en', 'nb', 'ps', 'fa-AF']) {
		for (const [name, width, height] of [
			['phone', 390, 844],
			['desktop', 1280, 900]
		] as const) {
			const page = await browser.newPage({ viewport: { width, height }, deviceScaleFactor: 1 });
			await page.goto(`${baseUrl}/language/${locale}?to=/`);
			await page.screenshot({ path: `${outDir}/appeal-${locale}-${name}.png`, fullPage: true });
			await page.close();
		}
	}
} finally {
	await browser.close();
}
