import { expect, test } from '@playwright/test';
import { canReachPostgres } from './database.ts';
import { chooseAdminLanguage, fixedAdminPages, signInAs } from './staff.ts';
import { axeViolations } from './words.ts';

// axe on every admin page, in each of the four languages, on a phone and on a desk: one signed-in
// admin per language, one load of each page per width.

const hasPostgres = await canReachPostgres();

for (const locale of ['en', 'nb', 'ps', 'fa-AF']) {
	test(`axe finds nothing on any admin page in ${locale} at 390 and 1280 px`, async ({ page }) => {
		test.skip(!hasPostgres, 'staff accounts are written into the PostgreSQL the test server uses');
		test.setTimeout(420_000);
		await signInAs(page, 'admin', { next: '/admin/contributions/new' });

		// A gift, so its page and its supporter's pages are scanned too.
		await page.waitForLoadState('networkidle');
		const suffix = Date.now().toString(36);
		await page.getByLabel('Name', { exact: true }).fill(`Mariam Sadat ${suffix}`);
		await page.getByLabel('Email (optional)').fill(`mariam-${suffix}@example.no`);
		await page.getByLabel('Channel').selectOption('bank_transfer');
		await page.getByLabel('Amount', { exact: true }).fill('500');
		await page.getByRole('button', { name: 'Record gift' }).click();
		await expect(page.getByRole('status')).toHaveText('The gift is recorded.');
		const gift = new URL(page.url()).pathname;
		const supporter = await page
			.getByRole('link', { name: new RegExp(`Mariam Sadat ${suffix}`) })
			.first()
			.getAttribute('href');
		const pages = [...fixedAdminPages, gift, supporter!, `${supporter}/edit`, `${supporter}/merge`];
		// An invitation, so the outbox has a message to open.
		await page.goto('/admin/staff');
		await page.waitForLoadState('networkidle');
		await page.getByLabel('Name').fill(`Farid Azizi ${suffix}`);
		await page.getByLabel('Email').fill(`farid-${suffix}@dawatmedia.no`);
		await page.getByRole('button', { name: 'Send invitation' }).click();
		await expect(page.getByText('The invitation is in the outbox.')).toBeVisible();
		await page.goto('/admin/outbox');
		const message = page.locator('a[href^="/admin/outbox/"]:not([href*="?"])').first();
		await expect(message).toBeVisible();
		pages.push((await message.getAttribute('href'))!);

		const found: string[] = [];
		await chooseAdminLanguage(page, locale);
		for (const width of [390, 1280]) {
			await page.setViewportSize({ width, height: 900 });
			for (const path of pages) {
				await page.goto(path);
				await page.waitForLoadState('networkidle');
				for (const violation of await axeViolations(page)) {
					found.push(`${width}px ${path}: ${violation}`);
				}
			}
		}
		expect(found).toEqual([]);
	});
}
