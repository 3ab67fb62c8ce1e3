import { expect, test, type Locator, type Page } from '@playwright/test';
import { canReachPostgres } from './database.ts';
import { signInAs } from './staff.ts';

// A staff member in New York reads the admin of an organisation in Oslo: every time is Oslo's
// clock, whichever page shows it and whether the server or the browser drew the page, and each
// page says once which clock that is.

const hasPostgres = await canReachPostgres();

const osloClock = (instant: Date) =>
	new Intl.DateTimeFormat('en-GB', {
		timeZone: 'Europe/Oslo',
		hour: '2-digit',
		minute: '2-digit',
		hourCycle: 'h23'
	}).format(instant);

/** Every Oslo hh:mm from `since` to now: an event of this test happened at one of them. */
function osloMinutesSince(since: Date): string[] {
	const minutes: string[] = [];
	for (let at = since.getTime() - 60_000; at <= Date.now() + 60_000; at += 60_000) {
		minutes.push(osloClock(new Date(at)));
	}
	return minutes;
}

async function clockIn(page: Page, text: Promise<string>): Promise<string> {
	const time = (await text).match(/\b(\d{2}):(\d{2})\b/);
	expect(time, `a time of day in "${await text}"`).not.toBeNull();
	return time![0];
}

async function expectDayWithoutTime(where: Locator, day: string) {
	await expect(where).toContainText(day);
	expect(await where.innerText()).not.toMatch(/\b\d{2}:\d{2}\b/);
}

async function expectZoneSaidOnce(page: Page) {
	await expect(page.getByText('Times in Central European Time')).toHaveCount(1);
}

test('a gift, its audit entry, an import and a sign-in show Oslo’s clock in a browser in New York', async ({
	browser
}) => {
	test.skip(!hasPostgres, 'staff accounts are written into the PostgreSQL the test server uses');
	test.setTimeout(120_000);
	const context = await browser.newContext({ timezoneId: 'America/New_York' });
	const page = await context.newPage();
	expect(await page.evaluate(() => Intl.DateTimeFormat().resolvedOptions().timeZone)).toBe(
		'America/New_York'
	);
	const started = new Date();
	const suffix = Date.now().toString(36);
	const giver = `Soraya Noori ${suffix}`;
	const admin = await signInAs(page, 'admin', { next: '/admin' });
	const nav = page.getByRole('navigation', { name: 'Admin sections' });

	// A gift received on 14 March 2025 has a day but no time of day: it shows that day in New York
	// too, with no hour made up.
	await nav.getByRole('link', { name: 'Contributions' }).click();
	await page.getByRole('link', { name: 'Record a gift' }).click();
	await page.waitForLoadState('networkidle');
	await page.getByLabel('Name', { exact: true }).fill(giver);
	await page.getByLabel('Channel').selectOption('cash');
	await page.getByLabel('Date received').fill('2025-03-14');
	await page.getByLabel('Amount', { exact: true }).fill('250');
	await page.getByRole('button', { name: 'Record gift' }).click();
	await expect(page.getByRole('status')).toHaveText('The gift is recorded.');
	const giftPath = new URL(page.url()).pathname;
	await expectDayWithoutTime(page.locator('dd').filter({ hasText: '2025' }), '14 March 2025');

	// The list, drawn by the browser after a click.
	await nav.getByRole('link', { name: 'Contributions' }).click();
	await page.getByLabel('Search').fill(giver);
	await page.getByLabel('Search').press('Enter');
	const listed = page.locator(`a[href="${giftPath}"]`);
	await expectDayWithoutTime(listed, '14 Mar 2025');
	await expectZoneSaidOnce(page);
	// The gift's page, drawn by the browser too.
	await listed.click();
	await expectDayWithoutTime(page.locator('dd').filter({ hasText: '2025' }), '14 March 2025');

	// A bank file imported now.
	await nav.getByRole('link', { name: 'Imports' }).click();
	const today = new Date().toISOString().slice(0, 10).split('-').reverse().join('.');
	await page.getByLabel('File', { exact: true }).setInputFiles({
		name: `clock-${suffix}.csv`,
		mimeType: 'text/csv',
		buffer: Buffer.from(
			'"Dato";"Forklaring";"Rentedato";"Ut fra konto";"Inn på konto"\r\n' +
				`"${today}";"Giro ${suffix} ${giver.toUpperCase()}";"${today}";"";"75,00"\r\n`,
			'utf8'
		)
	});
	await page.getByRole('button', { name: 'Preview' }).click();
	await page.getByRole('button', { name: /Import the gifts/ }).click();
	await expect(page.getByRole('heading', { level: 1 })).toContainText(`clock-${suffix}.csv`);

	const now = osloMinutesSince(started);
	const newYorkNow = new Intl.DateTimeFormat('en-GB', {
		timeZone: 'America/New_York',
		hour: '2-digit',
		minute: '2-digit',
		hourCycle: 'h23'
	}).format(new Date());
	expect(now).not.toContain(newYorkNow);

	await nav.getByRole('link', { name: 'Imports' }).click();
	const batch = page.getByRole('row').filter({ hasText: `clock-${suffix}.csv` });
	expect(now).toContain(await clockIn(page, batch.getByRole('link').first().innerText()));
	await expectZoneSaidOnce(page);

	// The audit entry of the gift's recording, and the admin's own sign-in.
	await nav.getByRole('link', { name: 'Audit log' }).click();
	const recorded = page.getByRole('row').filter({ hasText: giver }).filter({ hasText: 'recorded' });
	expect(now).toContain(
		await clockIn(page, recorded.first().getByRole('cell').first().innerText())
	);
	await expectZoneSaidOnce(page);

	await nav.getByRole('link', { name: 'Staff' }).click();
	const own = page.getByRole('row', { name: new RegExp(admin.email) });
	expect(now).toContain(await clockIn(page, own.innerText()));
	await expectZoneSaidOnce(page);

	// The same pages drawn by the server say the same.
	await page.reload();
	expect(now).toContain(
		await clockIn(page, page.getByRole('row', { name: new RegExp(admin.email) }).innerText())
	);
	await page.goto(giftPath);
	await expectDayWithoutTime(page.locator('dd').filter({ hasText: '2025' }), '14 March 2025');
	await context.close();
});
