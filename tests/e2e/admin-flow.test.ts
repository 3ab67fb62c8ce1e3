import { readFile } from 'node:fs/promises';
import AxeBuilder from '@axe-core/playwright';
import { expect, test, type Page } from '@playwright/test';
import { canReachPostgres } from './database.ts';
import { signInAs } from './staff.ts';

// The desk work the admin exists for: a bank transfer comes in, staff record it, find the
// supporter, see the gift on the timeline and in the dashboard, and export it.

const hasPostgres = await canReachPostgres();

/** This month's USD gift count on the dashboard (0 while there is none). */
async function usdGiftsThisMonth(page: Page): Promise<number> {
	await page.goto('/admin');
	const table = page.getByRole('table', { name: 'Received in USD' });
	if ((await table.count()) === 0) return 0;
	const row = table.getByRole('row', { name: /This month/ });
	return Number((await row.getByRole('cell').last().innerText()).replace(/\D/g, ''));
}

test('staff record a bank transfer and find it everywhere staff look', async ({ page }) => {
	test.skip(!hasPostgres, 'staff accounts are written into the PostgreSQL the test server uses');
	// Eight pages and a download: more than the default 30 s on a busy two-core machine.
	test.setTimeout(90_000);
	const suffix = Date.now().toString(36);
	const name = `Gulalai Stanekzai ${suffix}`;
	const reference = `DNB-E2E-${suffix}`;
	await signInAs(page, 'staff', { next: '/admin' });
	// USD, which no other browser test gives in, so parallel tests cannot move this count.
	const before = await usdGiftsThisMonth(page);

	await page.getByRole('link', { name: 'Contributions' }).click();
	await page.goto('/admin/contributions/new');
	// Typed once the page's script runs, so starting it cannot clear what was typed.
	await page.waitForLoadState('networkidle');
	await page.getByLabel('Name', { exact: true }).fill(name);
	await page.getByLabel('Email (optional)').fill(`gulalai-${suffix}@example.no`);
	await page.getByLabel('Channel').selectOption('bank_transfer');
	await page.getByLabel('Amount').fill('1 250');
	await page.getByLabel('Currency').selectOption('USD');
	await page.getByLabel('Reference').fill(reference);
	await page.getByRole('button', { name: 'Record gift' }).click();
	await expect(page.getByRole('status')).toHaveText('The gift is recorded.');
	await expect(page.getByRole('heading', { level: 1 })).toHaveText('Gift: US$1,250');

	// The same transfer typed in twice is refused next to the reference.
	await page.goto('/admin/contributions/new');
	// Typed once the page's script runs, so starting it cannot clear what was typed.
	await page.waitForLoadState('networkidle');
	await page.getByLabel('Name', { exact: true }).fill(name);
	await page.getByLabel('Amount').fill('1250');
	await page.getByLabel('Currency').selectOption('USD');
	await page.getByLabel('Reference').fill(reference);
	await page.getByRole('button', { name: 'Record gift' }).click();
	await expect(page.locator('#gift-reference-error')).toHaveText(
		'A gift with this reference is already recorded for this channel.'
	);

	await page.getByRole('link', { name: 'Supporters' }).click();
	await page.getByLabel('Search').fill(suffix);
	await page.getByRole('button', { name: 'Apply filters' }).click();
	await page.getByRole('link', { name }).click();
	await expect(page.getByRole('heading', { level: 1 })).toContainText(name);
	await expect(page.getByText(reference)).toBeVisible();
	await expect(page.getByText('US$1,250').first()).toBeVisible();
	expect((await new AxeBuilder({ page }).analyze()).violations).toEqual([]);

	expect(await usdGiftsThisMonth(page)).toBe(before + 1);
	await expect(
		page.getByRole('table', { name: 'USD by channel' }).getByRole('row', { name: /Bank transfer/ })
	).toBeVisible();
	expect((await new AxeBuilder({ page }).analyze()).violations).toEqual([]);

	await page.goto(`/admin/contributions?q=${reference}`);
	const download = page.waitForEvent('download');
	await page.getByRole('link', { name: 'Export for Excel' }).click();
	const csv = await readFile((await (await download).path())!, 'utf8');
	const lines = csv
		.replace(/^\uFEFF/, '')
		.trim()
		.split(/\r?\n/);
	expect(lines).toHaveLength(2);
	expect(lines[1]).toContain(reference);
	expect(lines[1]).toContain(';1250,00;');
	expect(lines[1]).toContain('USD');
	expect(lines[1]).toContain(name);
});

test('every admin screen passes axe: English on a phone, bokmål on a desk', async ({ page }) => {
	test.skip(!hasPostgres, 'staff accounts are written into the PostgreSQL the test server uses');
	test.setTimeout(240_000); // 20 axe scans; slow on a busy 2-core machine
	await signInAs(page, 'admin', { next: '/admin' });
	const screens = [
		'/admin',
		'/admin/supporters',
		'/admin/contributions',
		'/admin/contributions/new',
		'/admin/imports',
		'/admin/settings',
		'/admin/staff',
		'/admin/audit',
		'/admin/outbox'
	]; // the sign-in, account and staff pages have their own scans in sign-in.test.ts
	const found: string[] = [];
	for (const [locale, width] of [
		['en', 390],
		['nb', 1280]
	] as const) {
		// The admin speaks the account's own language, chosen under Your account (not the appeal's).
		await page.goto('/admin/account');
		await page.locator('#account-locale').selectOption(locale);
		await page.locator('form[action="?/language"] button').click();
		await expect(page.locator('html')).toHaveAttribute('lang', locale);
		await page.setViewportSize({ width, height: 900 });
		for (const screen of screens) {
			await page.goto(screen);
			await expect(page.locator('html')).toHaveAttribute('lang', locale);
			const { violations } = await new AxeBuilder({ page }).analyze();
			for (const v of violations) found.push(`${screen} in ${locale} at ${width}px: ${v.id}`);
		}
	}
	expect(found).toEqual([]);
});
