import { expect, test } from '@playwright/test';
import { canReachPostgres } from './database.ts';
import { signInAs } from './staff.ts';

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
