import { expect, test } from '@playwright/test';
import { canReachPostgres } from './database.ts';
import AxeBuilder from '@axe-core/playwright';
import { chooseAdminLanguage, signInAs } from './staff.ts';
import { dnbCsv } from '../integration/bank-files.ts';

// The bank desk from the front door, by links only: record a bank transfer from the contributions
// list, open it from the list, find its supporter by a phone typed with spaces, and import a DNB
// export whose KID brings the next transfer to the same supporter.

const hasPostgres = await canReachPostgres();

test('staff record, open, find and import bank gifts by following links', async ({ page }) => {
	test.skip(!hasPostgres, 'staff accounts are written into the PostgreSQL the test server uses');
	test.setTimeout(120_000);
	const suffix = Date.now().toString(36);
	const name = `Shabnam Karimi ${suffix}`;
	// A phone of this run only: 4 and seven digits of the clock.
	const phone = `4${String(Date.now()).slice(-7)}`;
	const reference = `DNB-DESK-${suffix}`;
	await signInAs(page, 'staff', { next: '/admin' });
	const nav = page.getByRole('navigation', { name: 'Admin sections' });

	await nav.getByRole('link', { name: 'Contributions' }).click();
	await page.getByRole('link', { name: 'Record a gift' }).click();
	await page.getByLabel('Name', { exact: true }).fill(name);
	await page.getByLabel('Channel').selectOption('bank_transfer');
	await page.getByLabel('Amount').fill('640');
	await page.getByLabel('Currency').selectOption('NOK');
	await page.getByLabel('Reference').fill(reference);
	await page.getByRole('button', { name: 'Record gift' }).click();
	await expect(page.getByRole('status')).toHaveText('The gift is recorded.');

	// Back to the list, and from the gift's row to the gift.
	await nav.getByRole('link', { name: 'Contributions' }).click();
	await page.getByLabel('Search').fill(suffix);
	await page.getByRole('button', { name: 'Apply filters' }).click();
	const row = page.getByRole('row', { name: new RegExp(reference) });
	await row.getByRole('link').first().click();
	await expect(page).toHaveURL(/\/admin\/contributions\/[0-9a-f-]{36}$/);
	await expect(page.getByText(reference)).toBeVisible();

	// The supporter gets a phone, and is found by it typed the way people say it.
	await page.getByRole('link', { name }).first().click();
	await page.getByRole('link', { name: 'Edit' }).click();
	await page.getByLabel('Phone').fill(`+47${phone}`);
	await page.getByRole('button', { name: 'Save changes' }).click();
	await expect(page.getByRole('status')).toHaveText('Changes saved.');
	await page.waitForLoadState('networkidle');
	await nav.getByRole('link', { name: 'Supporters' }).click();
	await expect(page).toHaveURL(/\/admin\/supporters$/);
	const spaced = `${phone.slice(0, 3)} ${phone.slice(3, 5)} ${phone.slice(5)}`;
	await page.getByLabel('Search').fill(spaced);
	await page.getByRole('button', { name: 'Apply filters' }).click();
	await page.getByRole('link', { name }).click();
	await expect(page.getByRole('heading', { level: 1 })).toContainText(name);
	const kid = (await page.locator('dt:text-is("KID") + dd bdi').innerText()).replace(/\s/g, '');
	expect(kid).toMatch(/^\d{8}$/);
	await expect(page.getByRole('link', { name: 'Record a gift' })).toHaveAttribute(
		'href',
		/\/admin\/contributions\/new\?supporter=/
	);

	// A DNB export quoting the KID, chosen as the wrong format: it is read as CSV all the same.
	const amount = `${100 + (Date.now() % 9000)},${String(Date.now() % 100).padStart(2, '0')}`;
	const today = new Date().toISOString().slice(0, 10).split('-').reverse().join('.');
	const csv =
		'"Dato";"Forklaring";"Rentedato";"Ut fra konto";"Inn på konto"\r\n' +
		`"${today}";"Giro ${kid} SHABNAM KARIMI";"${today}";"";"${amount}"\r\n`;
	await nav.getByRole('link', { name: 'Imports' }).click();
	await page.getByLabel('Bank statement, ISO 20022 camt.053 (XML)').check();
	await page.getByLabel('File', { exact: true }).setInputFiles({
		name: `dnb-${suffix}.csv`,
		mimeType: 'text/csv',
		buffer: Buffer.from(csv, 'utf8')
	});
	await page.getByRole('button', { name: 'Preview' }).click();
	await expect(page.getByText(/This file is read as: Bank statement, CSV/)).toBeVisible();
	await expect(page.getByLabel('Supporter for line 2')).toHaveValue(/[0-9a-f-]{36}/);
	await page.getByRole('button', { name: 'Import the gifts (1)' }).click();
	await expect(page.getByRole('heading', { level: 1 })).toContainText(`dnb-${suffix}.csv`);
});

test('a payer whose name two supporters share waits for staff to choose, on a desktop and in Dari on a phone', async ({
	page
}) => {
	test.skip(!hasPostgres, 'staff accounts are written into the PostgreSQL the test server uses');
	test.setTimeout(180_000);
	const suffix = Date.now().toString(36);
	// Letters only: a bank's text column ends the payer's name at the first word with digits.
	const letters = suffix.replace(/\d/g, (digit) => 'abcdefghij'[Number(digit)]);
	const family = `Nilsen${letters}`;
	await signInAs(page, 'staff', { next: '/admin' });
	const nav = page.getByRole('navigation', { name: 'Admin sections' });
	// Two people called Ingrid Nilsen, each with a gift typed in from the contributions list.
	for (const amount of ['300', '450']) {
		await nav.getByRole('link', { name: 'Contributions' }).click();
		await page.getByRole('link', { name: 'Record a gift' }).click();
		await page.waitForLoadState('networkidle');
		await page.getByLabel('Name', { exact: true }).fill(`Ingrid ${family}`);
		await page.getByLabel('Channel').selectOption('bank_transfer');
		await page.getByLabel('Amount').fill(amount);
		await page.getByLabel('Currency').selectOption('NOK');
		await page.getByLabel('Reference').fill(`HAND-${suffix}-${amount}`);
		await page.getByRole('button', { name: 'Record gift' }).click();
		await expect(page.getByRole('status')).toHaveText('The gift is recorded.');
	}

	// DNB's export as the bank writes it: the payer in capitals in the text column, a new payer
	// beside her, and an outgoing payment the import leaves out.
	const day = new Date().toISOString().slice(0, 10);
	const file = dnbCsv([
		{
			bookedOn: day,
			amount: '500.00',
			payerName: `INGRID ${family.toUpperCase()}`,
			message: '',
			dnbText: `Overføring Innland INGRID ${family.toUpperCase()} Gave til Dawat`,
			archiveReference: `${suffix}01`
		},
		{
			bookedOn: day,
			amount: '1250.00',
			payerName: `Mariam Haidari${letters}`,
			message: '',
			dnbText: `Nettgiro Fra: MARIAM HAIDARI${letters.toUpperCase()} Til Dawat`,
			archiveReference: `${suffix}02`
		}
	]);
	const preview = async () => {
		await page.waitForLoadState('networkidle');
		await page.locator('input[name="format"][value="bank_csv"]').check();
		await page.locator('input[type="file"]').setInputFiles({
			name: `dnb-${suffix}.csv`,
			mimeType: 'text/csv',
			buffer: Buffer.from(file, 'utf8')
		});
		await page.locator('form[action="?/preview"] button[type="submit"]').click();
		await expect(page.locator('#preview-heading')).toBeVisible();
	};

	await page.setViewportSize({ width: 1280, height: 900 });
	await nav.getByRole('link', { name: 'Imports' }).click();
	await preview();
	const choice = page.getByLabel('Supporter for line 2');
	await expect(choice).toHaveValue('');
	await expect(page.getByText('2 supporters have this name: choose one.')).toBeVisible();
	// Both are offered with their last gift, to tell them apart.
	await expect(choice.locator('option', { hasText: /last gift/ })).toHaveCount(2);
	await expect(page.getByRole('button', { name: 'Import the gifts (1)' })).toBeVisible();
	// KOMAK_SCREENSHOTS=1 also writes the preview to docs/screenshots, as the other tests do.
	if (process.env.KOMAK_SCREENSHOTS)
		await page.screenshot({
			path: 'docs/screenshots/admin-import-waiting-en-desktop.png',
			fullPage: true
		});
	expect((await new AxeBuilder({ page }).analyze()).violations).toEqual([]);

	await page.setViewportSize({ width: 390, height: 844 });
	await chooseAdminLanguage(page, 'fa-AF', '/admin/imports');
	await preview();
	await expect(page.locator('select[name="choice-2"]')).toHaveValue('');
	expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
	// KOMAK_SCREENSHOTS=1 also writes the preview to docs/screenshots, as the other tests do.
	if (process.env.KOMAK_SCREENSHOTS)
		await page.screenshot({
			path: 'docs/screenshots/admin-import-waiting-fa-AF-phone.png',
			fullPage: true
		});
	expect((await new AxeBuilder({ page }).analyze()).violations).toEqual([]);
	await chooseAdminLanguage(page, 'en', '/admin');
});

test('a row staff left out of an import shows, the next time, who left it out and when', async ({
	page
}) => {
	test.skip(!hasPostgres, 'staff accounts are written into the PostgreSQL the test server uses');
	test.setTimeout(120_000);
	const suffix = Date.now().toString(36);
	const letters = suffix.replace(/\d/g, (digit) => 'abcdefghij'[Number(digit)]);
	const day = new Date().toISOString().slice(0, 10);
	// A Vipps payout (its gifts come in Vipps's own report) beside a gift from a new payer.
	const file = dnbCsv([
		{
			bookedOn: day,
			amount: `${1000 + (Date.now() % 5000)}.50`,
			payerName: '',
			message: '',
			dnbText: `Vipps utbetaling ${suffix} Oppgjør`,
			archiveReference: `${suffix}11`
		},
		{
			bookedOn: day,
			amount: '350.00',
			payerName: `Sahar Rahimi${letters}`,
			message: '',
			dnbText: `Nettgiro Fra: SAHAR RAHIMI${letters.toUpperCase()} Betalt: 05.03.26`,
			archiveReference: `${suffix}12`
		}
	]);
	await signInAs(page, 'staff', { next: '/admin' });
	const nav = page.getByRole('navigation', { name: 'Admin sections' });
	const preview = async () => {
		await page.waitForLoadState('networkidle');
		await page.locator('input[name="format"][value="bank_csv"]').check();
		await page.locator('input[type="file"]').setInputFiles({
			name: `dnb-skip-${suffix}.csv`,
			mimeType: 'text/csv',
			buffer: Buffer.from(file, 'utf8')
		});
		await page.locator('form[action="?/preview"] button[type="submit"]').click();
		await expect(page.locator('#preview-heading')).toBeVisible();
	};

	await nav.getByRole('link', { name: 'Imports' }).click();
	await preview();
	await expect(page.getByLabel('Supporter for line 2')).toHaveValue('skip');
	await expect(page.getByText(`Sahar Rahimi${letters}`, { exact: false }).first()).toBeVisible();
	await page.getByRole('button', { name: 'Import the gifts (1)' }).click();
	await expect(page.getByRole('heading', { level: 1 })).toContainText(`dnb-skip-${suffix}.csv`);

	// The same statement again: the payer's gift is there already, the payout was left out.
	await nav.getByRole('link', { name: 'Imports' }).click();
	await preview();
	await expect(page.getByLabel('Supporter for line 2')).toHaveValue('skip');
	await expect(page.getByText(/^Not imported on .+ by .+: left out again/)).toBeVisible();
	await expect(page.getByText(/Every gift in this file is recorded already/)).toBeVisible();
});
