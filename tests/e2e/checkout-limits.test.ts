import { expect, test } from '@playwright/test';
import { canReachPostgres } from './database.ts';
import { submitGift, useCardGivingApp } from './card-app.ts';

const isPostgresReachable = await canReachPostgres();

test.describe('checkout safeguards', () => {
	test.skip(!isPostgresReachable, 'needs PostgreSQL');
	test.describe.configure({ mode: 'serial' });

	const card = useCardGivingApp('komak_e2e_checkout_limits');

	test('the thank-you page tells the truth about an unpaid checkout and ignores strangers’ ids', async ({
		page
	}) => {
		const result = await submitGift(card(), { email: 'unpaid@example.com' });
		const sessionId = (result.location as string).split('/pay/')[1];
		await page.goto(`${card().app.url}/thank-you?session_id=${sessionId}`);
		await expect(page.getByRole('heading', { level: 1 })).toHaveText('Your gift was not completed');
		await expect(page.getByText('No money has been taken.')).toBeVisible();
		await page.getByRole('link', { name: 'Try again' }).click();
		await expect(page).toHaveURL(new RegExp(`^${card().app.url}/#donate$`));

		await page.goto(`${card().app.url}/thank-you?session_id=cs_test_not_one_of_ours_000000`);
		await expect(page).toHaveURL(`${card().app.url}/`);
	});

	test('opening checkout over and over from one address is stopped with a clear message', async ({
		browser
	}) => {
		// Ten checkouts per address per ten minutes; the first test used one.
		for (let i = 2; i <= 10; i++) {
			expect(await submitGift(card(), { email: `card.tester${i}@example.com` })).toMatchObject({
				type: 'redirect'
			});
		}
		const context = await browser.newContext({ javaScriptEnabled: false });
		const page = await context.newPage();
		await page.goto(`${card().app.url}/language/nb?to=/`);
		await page.getByLabel('Navnet ditt').fill('Kari');
		await page.getByLabel('E-post', { exact: true }).fill('kari@example.no');
		await page.locator('button[type=submit]').click();
		await expect(page.getByRole('alert')).toContainText('For mange forsøk');
		await expect(page).toHaveURL(new RegExp(`^${card().app.url}/`));
		await context.close();
	});
});
