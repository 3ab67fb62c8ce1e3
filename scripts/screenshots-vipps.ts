// node scripts/screenshots-vipps.ts [baseUrl] — the Vipps button on the appeal and the thank-you
// page after a gift approved in the Vipps fake, in Dari at phone width, for docs/. Start the fake
// (npm run vipps:fake) and the app against it first (the command the fake prints).
import { chromium } from '@playwright/test';
import { chromiumLaunchOptions } from '../tests/chromium.ts';

const baseUrl = process.argv[2] ?? 'http://localhost:3000';
const outDir = process.argv[3] ?? 'docs/screenshots';
const browser = await chromium.launch(chromiumLaunchOptions);
try {
	const page = await browser.newPage({
		viewport: { width: 390, height: 844 },
		deviceScaleFactor: 1
	});
	await page.goto(`${baseUrl}/language/fa-AF?to=/`);
	await page.locator('input[name="frequency"][value="one_off"]').check();
	await page.locator('input[name="currency"][value="NOK"]').check();
	await page.locator('#custom-amount').fill('200');
	await page.locator('input[name="name"]').fill('لیلا احمدی');
	await page.locator('input[name="email"]').fill('laila@example.no');
	const vipps = page.locator('button[formaction="?/vipps"]');
	// What a phone shows around the button: the card button above it, the note below.
	await vipps.evaluate((button) => button.scrollIntoView({ block: 'center' }));
	await page.screenshot({ path: `${outDir}/appeal-vipps-fa-AF-phone.png` });
	await vipps.click();
	await page.getByLabel('Phone number').fill('91234567');
	await page.getByRole('button', { name: 'Approve' }).click();
	await page.waitForURL(/\/thank-you/);
	await page.screenshot({ path: `${outDir}/thank-you-vipps-fa-AF-phone.png`, fullPage: true });
} finally {
	await browser.close();
}
