import { readFile } from 'node:fs/promises';
import { parse } from 'csv-parse/sync';
import { expect, test, type Page } from '@playwright/test';
import { canReachPostgres } from './database.ts';
import { signInAs } from './staff.ts';
import { wordsIn } from './words.ts';

// A staff member who reads Dari exports the gifts and the supporters: the Excel file speaks Dari
// (column names, channel, status, one-off or monthly, yes/no), the standard CSV keeps the fixed
// keys and codes that tools read, and the page says which is which in Dari.

const hasPostgres = await canReachPostgres();
const dari = wordsIn('fa-AF');

async function download(page: Page, link: string): Promise<string> {
	const saved = page.waitForEvent('download');
	await page.getByRole('link', { name: link, exact: true }).click();
	return readFile((await (await saved).path())!, 'utf8');
}

/** Each data row as { column name: value }. */
function records(text: string, delimiter: string): Record<string, string>[] {
	return parse(text, { bom: true, columns: true, delimiter });
}

test('a Dari-speaking staff member exports gifts and supporters in Dari for Excel, and with fixed keys for tools', async ({
	page
}) => {
	test.skip(!hasPostgres, 'staff accounts are written into the PostgreSQL the test server uses');
	test.setTimeout(120_000);
	const suffix = Date.now().toString(36);
	const giver = `Malalai Wardak ${suffix}`;
	const reference = `EXPORT-${suffix}`.toUpperCase();
	await signInAs(page, 'staff', { locale: 'fa-AF', next: '/admin/contributions/new' });
	await expect(page.locator('html')).toHaveAttribute('lang', 'fa-AF');
	await page.waitForLoadState('networkidle');
	await page.getByLabel(dari.admin_gift_new_supporter_name(), { exact: true }).fill(giver);
	await page.getByLabel(dari.admin_gift_channel(), { exact: true }).selectOption('bank_transfer');
	await page.getByLabel(dari.admin_gift_amount(), { exact: true }).fill('1500');
	await page.getByLabel(dari.admin_gift_currency(), { exact: true }).selectOption('NOK');
	await page.getByLabel(dari.admin_gift_reference(), { exact: true }).fill(reference);
	await page.getByRole('button', { name: dari.admin_gift_record() }).click();
	await expect(page.getByRole('status')).toHaveText(dari.admin_gift_recorded());

	await page.goto(`/admin/contributions?q=${reference}`);
	await expect(page.getByText(dari.lists_export_hint())).toBeVisible();
	expect(dari.lists_export_hint()).toContain('نام‌های ثابت انگلیسی');

	const excel = await download(page, dari.lists_export_csv());
	expect(excel.startsWith('\uFEFFشناسهٔ کمک;زمان دریافت (')).toBe(true);
	const [gift] = records(excel, ';');
	expect(gift).toMatchObject({
		وضعیت: 'دریافت شده',
		'یک‌باره یا ماهوار': 'یک‌باره',
		'روش پرداخت': 'انتقال بانکی',
		'واحد پول': 'NOK',
		مبلغ: '1500,00',
		'نام حامی': giver,
		'شماره مرجع': reference,
		ناشناس: 'نخیر',
		'حامی پاک‌شده': 'نخیر'
	});

	const standard = await download(page, dari.lists_export_standard_csv());
	expect(standard.startsWith('id,received_at,status,kind,channel,currency,amount,')).toBe(true);
	expect(records(standard, ',')).toEqual([
		expect.objectContaining({
			status: 'succeeded',
			kind: 'one_off',
			channel: 'bank_transfer',
			amount: '1500.00',
			supporter_name: giver,
			reference,
			anonymous: 'false'
		})
	]);

	await page.goto(`/admin/supporters?q=${encodeURIComponent(giver)}`);
	const [supporter] = records(await download(page, dari.lists_export_csv()), ';');
	expect(supporter).toMatchObject({
		نام: giver,
		'روش‌های پرداخت': 'انتقال بانکی',
		'کمک ماهوار فعال': 'نخیر',
		'تعداد کمک‌ها': '1',
		'مجموع کمک، NOK': '1500,00'
	});
	const [row] = records(await download(page, dari.lists_export_standard_csv()), ',');
	expect(row).toMatchObject({
		name: giver,
		channels: 'bank_transfer',
		active_monthly: 'false',
		total_NOK: '1500.00'
	});
});
