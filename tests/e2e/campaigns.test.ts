import AxeBuilder from '@axe-core/playwright';
import { expect, test, type Page } from '@playwright/test';
import { startCardGivingApp, type CardGivingApp } from './card-app.ts';
import { canReachPostgres } from './database.ts';
import { query } from './processes.ts';
import { createTestStaff, signInWithForm } from './staff.ts';

const isPostgresReachable = await canReachPostgres();
// KOMAK_SCREENSHOTS=1 also writes the pages to docs/screenshots.
const screenshot = async (page: Page, name: string) => {
	if (process.env.KOMAK_SCREENSHOTS)
		await page.screenshot({ path: `docs/screenshots/${name}.png`, fullPage: true });
};

/** Nothing on the page is wider than the window. */
async function expectNoSidewaysScroll(page: Page) {
	const widths = await page.evaluate(() => ({
		page: document.documentElement.scrollWidth,
		window: window.innerWidth
	}));
	expect(widths.page).toBeLessThanOrEqual(widths.window);
}

test.describe('campaigns: staff set one up, readers give to it', () => {
	test.skip(!isPostgresReachable, 'needs PostgreSQL');
	test.describe.configure({ mode: 'serial', timeout: 90_000 });

	let card: CardGivingApp;
	test.beforeAll(async () => {
		card = await startCardGivingApp('komak_e2e_campaigns', {
			port: Number(process.env.E2E_APP_PORT ?? 0) || undefined
		});
	});
	test.afterAll(async () => {
		await card?.stop();
	});

	test('staff create a campaign from the admin navigation', async ({ page }) => {
		const staff = await createTestStaff('admin', { databaseUrl: card.databaseUrl });
		await signInWithForm(page, staff, '/admin', card.app.url);
		await page.getByRole('navigation').getByRole('link', { name: 'Campaigns' }).click();
		await expect(page.getByRole('heading', { level: 1 })).toHaveText('Campaigns');
		await page.getByRole('link', { name: 'New campaign' }).click();
		await page.waitForLoadState('networkidle');

		await page.getByLabel('Name', { exact: true }).fill('Year-end drive');
		await page.getByLabel('Short name in the address').fill('Year End!');
		await page.getByRole('group', { name: 'NOK' }).getByLabel('Goal').fill('10000');
		await page.getByRole('button', { name: 'Create campaign' }).click();
		await expect(page.locator('#slug-error')).toHaveText(
			'Use small letters a–z, digits and hyphens only, starting with a letter or a digit.'
		);

		await page.getByLabel('Short name in the address').fill('year-end');
		await page
			.getByRole('group', { name: 'NOK' })
			.getByLabel('Preset amounts')
			.fill('300, 600, 1200');
		await page.getByLabel('Frequency chosen at first').selectOption({ label: 'Monthly' });
		await page.locator('#appealTitle_fa-AF').fill('کمک پایان سال برای گزارشگری آزاد');
		await page.getByRole('button', { name: 'Create campaign' }).click();
		await expect(page.getByRole('status')).toHaveText('Campaign created.');
		await expect(page.getByRole('heading', { level: 1 })).toHaveText('Year-end drive');
		await expect(page.getByRole('region', { name: 'How far the campaign has come' })).toContainText(
			/0.* of .*10,000/
		);
		expect((await new AxeBuilder({ page }).analyze()).violations).toEqual([]);
		await page.setViewportSize({ width: 1280, height: 900 });
		await screenshot(page, 'admin-campaign-en-desktop');
	});

	test('a reader opens the campaign in Dari on a phone and gives by card; the bar moves', async ({
		browser
	}) => {
		const context = await browser.newContext({ viewport: { width: 390, height: 844 } });
		const page = await context.newPage();
		await page.goto(`${card.app.url}/language/fa-AF?to=/c/year-end`);
		await page.waitForLoadState('networkidle');
		await expect(page.locator('html')).toHaveAttribute('dir', 'rtl');
		await expect(page.getByRole('heading', { level: 1 })).toHaveText(
			'کمک پایان سال برای گزارشگری آزاد'
		);
		const progress = page.getByRole('region', { name: 'کمپاین تا کجا رسیده است' });
		await expect(progress.locator('progress')).toHaveAttribute('value', '0');
		await expect(progress).toContainText('کمک‌کنندگان تا کنون: ۰');
		// The campaign's own amounts and frequency.
		await expect(page.locator('input[name=frequency][value=monthly]')).toBeChecked();
		await expect(page.locator('input[name=amount_NOK][value="600"]')).toBeChecked();
		await expectNoSidewaysScroll(page);
		expect((await new AxeBuilder({ page }).analyze()).violations).toEqual([]);
		await screenshot(page, 'campaign-appeal-fa-AF-phone');

		await page.locator('input[name=frequency][value=one_off]').check();
		await page.locator('#name').fill('مریم احمدی');
		await page.locator('#email').fill('maryam@example.org');
		// Monthly givers find their own page; the contact opt-in is never ticked for them.
		await expect(
			page.getByRole('link', { name: 'از قبل ماهوار کمک می‌کنید؟ کمک خود را مدیریت کنید' })
		).toHaveAttribute('href', '/my');
		const consent = page.getByLabel('دربارهٔ گزارش‌ها و درخواست‌های کمک ما به من ایمیل بفرستید');
		await expect(consent).not.toBeChecked();
		await consent.check();
		await page.locator('form.donate button[type=submit]').first().click();
		await page.getByRole('button', { name: 'Pay' }).click();
		await expect(page).toHaveURL(/\/thank-you\?session_id=cs_/);
		await page
			.getByRole('link', { name: 'کمک‌ها و رسیدهای خود را ببینید، یا کمک ماهوار را تغییر دهید' })
			.click();
		await expect(page).toHaveURL(/\/my/);

		await expect
			.poll(async () => (await query(card.databaseUrl, 'select 1 from contribution')).length)
			.toBe(1);
		const gifts = await query<{ amount_minor: string; slug: string }>(
			card.databaseUrl,
			`select c.amount_minor, campaign.slug from contribution c
			 join campaign on campaign.id = c.campaign_id`
		);
		expect(gifts).toEqual([{ amount_minor: '60000', slug: 'year-end' }]);
		expect(
			await query(
				card.databaseUrl,
				'select has_contact_consent, contact_consent_wording from supporter where email = $1',
				['maryam@example.org']
			)
		).toEqual([
			{
				has_contact_consent: true,
				contact_consent_wording: 'دربارهٔ گزارش‌ها و درخواست‌های کمک ما به من ایمیل بفرستید'
			}
		]);

		await expect
			.poll(
				async () => {
					await page.goto(`${card.app.url}/c/year-end`);
					return progress.locator('progress').getAttribute('value');
				},
				{ timeout: 10_000 }
			)
			.toBe('60000');
		await expect(progress).toContainText('کمک‌کنندگان تا کنون: ۱');
		await context.close();
	});

	test('an unknown or ended campaign is the ordinary appeal, with no error', async ({ page }) => {
		const response = await page.goto(`${card.app.url}/c/no-such-campaign?amount=300`);
		expect(response?.status()).toBe(200);
		await expect(page.locator('progress')).toHaveCount(0);
		await expect(page.locator('input[name=campaign]')).toHaveCount(0);
	});
});
