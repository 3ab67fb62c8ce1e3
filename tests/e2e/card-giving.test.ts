import AxeBuilder from '@axe-core/playwright';
import { expect, test } from '@playwright/test';
import { canReachPostgres } from './database.ts';
import { useCardGivingApp } from './card-app.ts';
import { query } from './processes.ts';

const isPostgresReachable = await canReachPostgres();

test.describe('giving by card through Stripe Checkout', () => {
	test.skip(!isPostgresReachable, 'needs PostgreSQL');
	test.describe.configure({ mode: 'serial' });

	const card = useCardGivingApp('komak_e2e_card_giving');

	for (const javaScriptEnabled of [true, false]) {
		const js = javaScriptEnabled ? 'on' : 'off';

		test(`a supporter gives NOK 250 once, JavaScript ${js}`, async ({ browser }) => {
			const context = await browser.newContext({ javaScriptEnabled });
			const page = await context.newPage();
			const email = `laila.${js}@example.com`;
			await page.goto(`${card().app.url}/language/en?to=/`);
			await expect(page.getByText('Card payment is unavailable')).toHaveCount(0);
			await page.getByLabel('Your name').fill('Laila Ahmadi');
			await page.getByLabel('Email', { exact: true }).fill(email);
			await page.getByLabel('Dedication or message (optional)').fill('For the Kabul desk');
			await page.getByRole('button', { name: /^Give (NOK 250 )?by card$/ }).click();

			await expect(page.getByText('NOK 250.00')).toBeVisible();
			await page.getByRole('button', { name: 'Pay' }).click();

			await expect(page).toHaveURL(/\/thank-you\?session_id=cs_/);
			await expect(page.getByRole('heading', { level: 1 })).toHaveText(
				'Thank you! Your gift has been received'
			);
			const thanks = page.getByRole('main');
			await expect(thanks).toContainText('We have received your gift of NOK 250.');
			await expect(thanks).toContainText(`A receipt is on its way to \u2068${email}\u2069.`);
			// axe runs inside the page, so only where JavaScript is on.
			if (javaScriptEnabled)
				expect((await new AxeBuilder({ page }).analyze()).violations).toEqual([]);

			const supporters = await query<{ id: string; name: string; stripe_customer_id: string }>(
				card().databaseUrl,
				'select id, name, stripe_customer_id from supporter where lower(email) = $1',
				[email]
			);
			expect(supporters).toHaveLength(1);
			expect(supporters[0]).toMatchObject({
				name: 'Laila Ahmadi',
				stripe_customer_id: expect.stringMatching(/^cus_/)
			});
			const gifts = await query(
				card().databaseUrl,
				'select * from contribution where supporter_id = $1',
				[supporters[0].id]
			);
			expect(gifts).toHaveLength(1);
			expect(gifts[0]).toMatchObject({
				channel: 'card',
				kind: 'one_off',
				amount_minor: '25000',
				currency: 'NOK',
				status: 'succeeded',
				fee_minor: '800',
				net_minor: '24200',
				dedication: 'For the Kabul desk',
				external_reference: expect.stringMatching(/^pi_/)
			});
			await context.close();
		});

		test(`a supporter gives EUR 15 a month, JavaScript ${js}`, async ({ browser }) => {
			const context = await browser.newContext({ javaScriptEnabled });
			const page = await context.newPage();
			const email = `ola.${js}@example.no`;
			await page.goto(`${card().app.url}/language/en?to=/`);
			await page.getByRole('radio', { name: 'Monthly' }).check();
			await page.getByRole('radio', { name: 'EUR' }).check();
			await page.getByLabel('Other amount').fill('15');
			await page.getByLabel('Your name').fill('Ola Nordmann');
			await page.getByLabel('Email', { exact: true }).fill(email);
			await page.getByRole('button', { name: /^Give (€15 a month )?by card$/ }).click();

			await page.getByRole('button', { name: 'Pay' }).click();
			await expect(page.getByRole('heading', { level: 1 })).toHaveText(
				'Thank you! Your gift has been received'
			);
			await expect(page.getByText(`Your monthly gift of €15 has started.`)).toBeVisible();

			const [supporter] = await query<{ id: string }>(
				card().databaseUrl,
				'select id from supporter where lower(email) = $1',
				[email]
			);
			const plans = await query(
				card().databaseUrl,
				'select * from recurring_plan where supporter_id = $1',
				[supporter.id]
			);
			expect(plans).toHaveLength(1);
			expect(plans[0]).toMatchObject({
				channel: 'card',
				amount_minor: '1500',
				currency: 'EUR',
				status: 'active',
				external_id: expect.stringMatching(/^sub_/)
			});
			const gifts = await query(
				card().databaseUrl,
				'select * from contribution where supporter_id = $1',
				[supporter.id]
			);
			expect(gifts).toHaveLength(1);
			expect(gifts[0]).toMatchObject({
				kind: 'monthly',
				amount_minor: '1500',
				currency: 'EUR',
				status: 'succeeded',
				recurring_plan_id: (plans[0] as { id: string }).id,
				external_reference: expect.stringMatching(/^in_/)
			});
			await context.close();
		});
	}

	test('a cancelled checkout comes back to the appeal with the choices kept', async ({ page }) => {
		await page.goto(`${card().app.url}/language/en?to=/`);
		await page.getByRole('radio', { name: 'Monthly' }).check();
		await page.getByRole('radio', { name: 'USD' }).check();
		await page.getByLabel('Other amount').fill('42');
		await page.getByLabel('Your name').fill('Sima');
		await page.getByLabel('Email', { exact: true }).fill('sima@example.com');
		await page.getByRole('button', { name: /by card/ }).click();
		await page.getByRole('link', { name: 'Cancel' }).click();
		await expect(page.getByRole('radio', { name: 'Monthly' })).toBeChecked();
		await expect(page.getByRole('radio', { name: 'USD' })).toBeChecked();
		await expect(page.getByLabel('Other amount')).toHaveValue('42');
	});
});
