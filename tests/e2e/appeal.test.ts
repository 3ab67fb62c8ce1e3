import { expect, test, type Page } from '@playwright/test';
import { countRows } from './database.ts';

const locales = [
	{
		locale: 'en',
		header: 'en-GB,en;q=0.9',
		dir: 'ltr',
		give: 'Give by card',
		other: 'Other ways to give'
	},
	{
		locale: 'nb',
		header: 'nb-NO,nb;q=0.9,no;q=0.8',
		dir: 'ltr',
		give: 'Gi med kort',
		other: 'Andre måter å gi på'
	},
	{ locale: 'ps', header: 'ps-AF,ps;q=0.9', dir: 'rtl', give: null, other: null },
	{ locale: 'fa-AF', header: 'fa-AF,fa;q=0.9', dir: 'rtl', give: null, other: null }
];

/** Opens the appeal in a language chosen with the language switcher's link. */
async function openAppeal(page: Page, locale = 'en') {
	await page.goto(`/language/${locale}?to=/`);
}

test.describe('the appeal in each language', () => {
	for (const { locale, header, dir } of locales) {
		test(`renders in ${locale} from Accept-Language with dir=${dir}`, async ({ browser }) => {
			const context = await browser.newContext({ locale: header.split(',')[0] });
			const page = await context.newPage();
			await page.goto('/');
			const html = page.locator('html');
			await expect(html).toHaveAttribute('lang', locale);
			await expect(html).toHaveAttribute('dir', dir);
			const heading = await page.getByRole('heading', { level: 1 }).innerText();
			if (locale !== 'en') expect(heading).not.toBe('Keep independent news free for every reader');
			if (dir === 'rtl') expect(heading).toMatch(/[\u0600-\u06ff]/);
			await expect(page.locator('#donate')).toBeVisible();
			await context.close();
		});
	}

	test('translates Norwegian labels, money and the form', async ({ page }) => {
		await openAppeal(page, 'nb');
		await expect(page.getByRole('radio', { name: 'Månedlig' })).toBeAttached();
		await expect(page.getByText('250 kr', { exact: true })).toBeVisible();
		await expect(page.getByLabel('Annet beløp')).toBeVisible();
	});

	test('shows amounts in Dari digits, right to left', async ({ page }) => {
		await openAppeal(page, 'fa-AF');
		const donate = page.locator('#donate');
		await expect(donate).toContainText('۲۵۰');
		const box = await page.locator('.masthead .brand').boundingBox();
		const width = page.viewportSize()!.width;
		expect(box!.x + box!.width).toBeGreaterThan(width / 2);
	});

	test('keeps Eastern Arabic digits in Pashto once the page runs in the browser', async ({
		page
	}) => {
		await openAppeal(page, 'ps');
		// The copy buttons appear once JavaScript has taken over the page.
		await expect(page.locator('#other-ways button').first()).toBeVisible();
		await expect(page.locator('.presets[data-currency=NOK]')).toContainText('۲۵۰');
		await expect(page.locator('.presets[data-currency=NOK]')).not.toContainText('250');
	});

	test('language switcher works without JavaScript and is remembered', async ({ browser }) => {
		const context = await browser.newContext({
			javaScriptEnabled: false,
			extraHTTPHeaders: { 'Accept-Language': 'en' }
		});
		const page = await context.newPage();
		await page.goto('/');
		await expect(page.locator('html')).toHaveAttribute('lang', 'en');
		await page.getByRole('link', { name: 'پښتو' }).click();
		await expect(page.locator('html')).toHaveAttribute('lang', 'ps');
		await expect(page.locator('html')).toHaveAttribute('dir', 'rtl');
		await page.goto('/');
		await expect(page.locator('html')).toHaveAttribute('lang', 'ps');
		await page.getByRole('link', { name: 'Norsk bokmål' }).click();
		await expect(page.locator('html')).toHaveAttribute('lang', 'nb');
		await expect(page.locator('html')).toHaveAttribute('dir', 'ltr');
		await context.close();
	});
});

test.describe('other ways to give', () => {
	test('shows the DNB account, IBAN and Vipps number with a QR code', async ({ page }) => {
		await openAppeal(page);
		const otherWays = page.getByRole('region', { name: 'Other ways to give' });
		await expect(otherWays).toContainText('DNB');
		await expect(otherWays).toContainText('0530 2294668');
		await expect(otherWays).toContainText('NO15 0530 2294 668');
		await expect(otherWays).toContainText('557320');
		await expect(otherWays.getByRole('img', { name: /557320/ })).toBeVisible();
		const qr = await page.request.get('/vipps-qr.svg');
		expect(qr.headers()['content-type']).toContain('image/svg+xml');
		expect(await qr.text()).toContain('<svg');
		await expect(otherWays.getByRole('link', { name: /557320/ })).toHaveAttribute(
			'href',
			'https://qr.vipps.no/donations/557320'
		);
	});

	test('copies the account number with the copy button', async ({ page, context }) => {
		await context.grantPermissions(['clipboard-read', 'clipboard-write']);
		await openAppeal(page);
		await page.getByRole('button', { name: 'Copy Account number' }).click();
		await expect(page.getByRole('status').filter({ hasText: 'Copied' })).toHaveCount(1);
		expect(await page.evaluate(() => navigator.clipboard.readText())).toBe('0530 2294668');
	});
});

for (const javaScriptEnabled of [true, false]) {
	test.describe(`field errors with JavaScript ${javaScriptEnabled ? 'on' : 'off'}`, () => {
		test.use({ javaScriptEnabled });

		test('a bad amount and a bad email get messages next to the fields, and nothing is saved', async ({
			page
		}) => {
			const before = await countRows();
			await openAppeal(page);
			await page.getByLabel('Other amount').fill('5');
			await page.getByLabel('Your name').fill('Laila Ahmadi');
			await page.getByLabel('Email', { exact: true }).fill('laila@');
			await page.getByRole('button', { name: /Give .*by card/ }).click();
			await expect(page.locator('#amount-error')).toHaveText(/The smallest gift is NOK\s?10\./);
			await expect(page.locator('#email-error')).toHaveText(
				'Enter an email address like name@example.com.'
			);
			await expect(page.getByLabel('Email', { exact: true })).toHaveAttribute(
				'aria-invalid',
				'true'
			);
			// What was typed is kept.
			await expect(page.getByLabel('Email', { exact: true })).toHaveValue('laila@');
			await expect(page.getByLabel('Your name')).toHaveValue('Laila Ahmadi');
			expect(await countRows()).toEqual(before);
		});

		for (const [typed, message] of [
			['10.001', 'Use at most two decimals.'],
			['50abc', 'Enter the amount as a number, for example 250.'],
			['5 0', 'Enter the amount as a number, for example 250.']
		]) {
			test(`an English page does not read ${typed} as an amount it can take`, async ({ page }) => {
				const before = await countRows();
				await openAppeal(page);
				await page.getByLabel('Other amount').fill(typed);
				await page.getByLabel('Your name').fill('Laila Ahmadi');
				await page.getByLabel('Email', { exact: true }).fill('laila@example.com');
				await page.getByRole('button', { name: /Give .*by card/ }).click();
				await expect(page.locator('#amount-error')).toHaveText(message);
				expect(await countRows()).toEqual(before);
			});
		}

		test('an amount that is not a number is explained in Pashto', async ({ page }) => {
			await openAppeal(page, 'ps');
			await page.locator('#custom-amount').fill('ډېر');
			await page.locator('#email').fill('laila@example.com');
			await page.locator('#name').fill('Laila');
			await page.locator('button[type=submit]').click();
			const error = page.locator('#amount-error');
			await expect(error).toBeVisible();
			expect(await error.innerText()).toMatch(/[\u0600-\u06ff]/);
		});

		test('an unknown currency is refused in Norwegian', async ({ page }) => {
			await openAppeal(page, 'nb');
			// A tampered form: a currency the newsroom does not take.
			await page.locator('input[name=currency][value=EUR]').evaluate((input: HTMLInputElement) => {
				input.value = 'SEK';
				input.checked = true;
			});
			await page.locator('#email').fill('ola@example.no');
			await page.locator('#name').fill('Ola');
			await page.locator('#custom-amount').fill('100');
			await page.locator('button[type=submit]').click();
			await expect(page.locator('#currency-error')).toBeVisible();
			expect(await page.locator('#currency-error').innerText()).not.toMatch(/Choose one of/);
		});

		test('a valid gift without Stripe points to the other ways to give', async ({ page }) => {
			const before = await countRows();
			await openAppeal(page);
			await page.getByLabel('Your name').fill('Laila Ahmadi');
			await page.getByLabel('Email', { exact: true }).fill('laila@example.com');
			await page.getByRole('button', { name: /Give .*by card/ }).click();
			const alert = page.getByRole('alert');
			await expect(alert).toContainText('Card payment is unavailable right now');
			await expect(alert.getByRole('link', { name: 'See other ways to give' })).toHaveAttribute(
				'href',
				'#other-ways'
			);
			expect(await countRows()).toEqual(before);
		});
	});
}

test('with JavaScript the button and fee follow the chosen amount', async ({ page }) => {
	await openAppeal(page);
	await page.getByRole('radio', { name: 'Monthly' }).check();
	await page.getByRole('radio', { name: 'EUR' }).check();
	await expect(page.getByRole('button', { name: 'Give €25 a month by card' })).toBeVisible();
	await page.getByLabel('Other amount').fill('40');
	await expect(page.getByRole('button', { name: 'Give €40 a month by card' })).toBeVisible();
	const fee = page.getByLabel(/so all of my gift arrives/);
	await expect(page.getByText(/Add €1\.2\d so all of my gift arrives/)).toBeVisible();
	await fee.check();
	await expect(page.getByRole('button', { name: /Give €41\.2\d a month by card/ })).toBeVisible();
});

test('the health check answers while the database is reachable', async ({ request }) => {
	const response = await request.get('/healthz');
	expect(response.status()).toBe(200);
	expect(await response.json()).toEqual({ status: 'ok', database: 'reachable' });
});

test('responses carry a request id and a content security policy', async ({ request }) => {
	const response = await request.get('/');
	expect(response.headers()['x-request-id']).toMatch(/^[\w-]+$/);
	expect(response.headers()['content-security-policy']).toContain("frame-ancestors 'none'");
	expect(response.headers()['x-content-type-options']).toBe('nosniff');
});

test('what a supporter types before the page has loaded its script is kept', async ({ page }) => {
	// A slow phone: the form is there before its script, and people start typing at once.
	await page.route('**/_app/**/*.js', async (route) => {
		await new Promise((resolve) => setTimeout(resolve, 1000));
		await route.continue();
	});
	await page.goto('/', { waitUntil: 'commit' });
	await page.getByLabel('Email', { exact: true }).fill('early@example.org');
	await page.getByLabel('Your name').fill('Early Bird');
	// Once the script runs, the card button names the amount: the page is live.
	await expect(page.getByRole('button', { name: /^Give .+ by card$/ })).toBeVisible();
	await expect(page.getByLabel('Email', { exact: true })).toHaveValue('early@example.org');
	await expect(page.getByLabel('Your name')).toHaveValue('Early Bird');
});

test('the page runs within its content security policy', async ({ page }) => {
	const violations: string[] = [];
	page.on('console', (message) => {
		if (/Content Security Policy/.test(message.text())) violations.push(message.text());
	});
	await page.goto('/');
	// Once the script runs, the card button names the amount: the page is live.
	await expect(page.getByRole('button', { name: /^Give .+ by card$/ })).toBeVisible();
	expect(violations).toEqual([]);
});
