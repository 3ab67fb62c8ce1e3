import { expect, test, type Page } from '@playwright/test';
import { canReachPostgres } from './database.ts';
import { chooseAdminLanguage, fixedAdminPages, signInAs } from './staff.ts';

// The admin on a phone: no page is wider than the narrowest screen (320 px), in a left-to-right
// and a right-to-left language, whatever the data (long names, provider ids, Naskh-wide labels).

const hasPostgres = await canReachPostgres();

async function pageWidth(page: Page) {
	return page.evaluate(() => document.documentElement.scrollWidth);
}

/** A gift with long unbroken strings, and the pages it leads to. */
async function recordLongGift(page: Page): Promise<string[]> {
	const suffix = Date.now().toString(36);
	await page.goto('/language/en?to=/admin/contributions/new');
	await page.getByLabel('Name', { exact: true }).fill(`Shahrzad Mohammadzai-Yousufzai ${suffix}`);
	await page.getByLabel('Email (optional)').fill(`a-very-long-address-${suffix}@example.no`);
	await page.getByLabel('Channel').selectOption('bank_transfer');
	await page.getByLabel('Amount').fill('1 000 000');
	await page.getByLabel('Reference').fill(`NO93-8601-1117-947-${suffix}-TRANSFER-REFERENCE-X`);
	await page.getByRole('button', { name: 'Record gift' }).click();
	await expect(page.getByRole('status')).toHaveText('The gift is recorded.');
	const gift = new URL(page.url()).pathname;
	const supporter = await page
		.getByRole('link', { name: /Shahrzad/ })
		.first()
		.getAttribute('href');
	const pages = [gift];
	if (supporter) {
		pages.push(supporter, `${supporter}/edit`, `${supporter}/merge`, `${supporter}/erase`);
	}
	await page.goto('/admin/outbox');
	const messages = page.locator('a[href^="/admin/outbox/"]:not([href*="?"])');
	const message = (await messages.count()) > 0 ? await messages.first().getAttribute('href') : null;
	if (message) pages.push(message);
	return pages;
}

test('no admin page is wider than 320 px, in English or in Dari', async ({ page }) => {
	test.skip(!hasPostgres, 'staff accounts are written into the PostgreSQL the test server uses');
	test.setTimeout(180_000);
	await signInAs(page, 'admin', { next: '/admin' });
	const pages = [...fixedAdminPages, ...(await recordLongGift(page))];

	await page.setViewportSize({ width: 320, height: 800 });
	const tooWide: string[] = [];
	for (const locale of ['en', 'fa-AF']) {
		await chooseAdminLanguage(page, locale);
		for (const path of pages) {
			await page.goto(path);
			// What the reader is left with: the dashboard's chart is drawn once its script loads.
			await page.waitForLoadState('networkidle');
			const width = await pageWidth(page);
			if (width > 320) tooWide.push(`${locale} ${path}: ${width}px`);
		}
	}
	expect(tooWide).toEqual([]);
});

test('the list filters fold behind one button on a phone', async ({ page }) => {
	test.skip(!hasPostgres, 'staff accounts are written into the PostgreSQL the test server uses');
	await signInAs(page, 'viewer', { next: '/admin/contributions' });
	await page.setViewportSize({ width: 390, height: 800 });
	for (const path of ['/admin/contributions', '/admin/supporters']) {
		await page.goto(path);
		await expect(page.getByLabel('Search')).toBeVisible();
		await expect(page.getByLabel('Channel')).toBeHidden();
		await page.getByText('Filters', { exact: true }).click();
		await expect(page.getByLabel('Channel')).toBeVisible();
	}
	await page.setViewportSize({ width: 1280, height: 800 });
	await page.goto('/admin/supporters');
	await expect(page.getByLabel('Channel')).toBeVisible();
});
