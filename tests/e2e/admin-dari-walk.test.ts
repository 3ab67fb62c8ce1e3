import { expect, test } from '@playwright/test';
import { canReachPostgres } from './database.ts';
import { invitationLink, signInAs } from './staff.ts';
import { expectWhollyIn, wordsIn } from './words.ts';

// A new staff member who reads Dari, on a phone, from the invitation to the dashboard: every step
// is in Dari (no English word in any label, heading, button, message or hidden name), fits a
// 390 px screen and passes axe. Latin script is allowed only for what the test typed itself
// (names, emails, a bank reference), and names every language writes in Latin letters: the
// product's, Vipps, KID (the Norwegian payment reference), currency codes and file formats.

const hasPostgres = await canReachPostgres();
const dari = wordsIn('fa-AF');

test('a new staff member works in Dari on a phone, from the invitation in the outbox to the dashboard', async ({
	page,
	browser
}) => {
	test.skip(!hasPostgres, 'staff accounts are written into the PostgreSQL the test server uses');
	test.setTimeout(240_000);
	const suffix = Date.now().toString(36);
	const invitee = { name: `Zarghuna Ahmadi ${suffix}`, email: `zarghuna-${suffix}@dawatmedia.no` };
	const giver = { name: `Habibullah Karimi ${suffix}`, email: `habib-${suffix}@example.no` };
	const reference = `KABUL-${suffix}`.toUpperCase();
	const password = 'chai sabz ba hel';

	// An admin working in English invites the new colleague, in Dari.
	await signInAs(page, 'admin', { next: '/admin/staff' });
	await page.waitForLoadState('networkidle');
	await page.getByLabel('Name').fill(invitee.name);
	await page.getByLabel('Email').fill(invitee.email);
	await page.getByLabel('Role', { exact: true }).selectOption('admin');
	await page.getByLabel('Language of the invitation').selectOption('fa-AF');
	await page.getByRole('button', { name: 'Send invitation' }).click();
	await expect(page.getByText('The invitation is in the outbox.')).toBeVisible();
	const link = await invitationLink(page, invitee.email);

	// The invitee's phone is set to English; the invitation says which language to use.
	const phone = await browser.newContext({
		viewport: { width: 390, height: 844 },
		locale: 'en-US',
		isMobile: true,
		hasTouch: true
	});
	const walk = await phone.newPage();
	const allowed = [invitee.name, invitee.email, giver.name, giver.email, reference, 'Komak'];
	const codes = ['Vipps', 'KID', 'NOK', 'EUR', 'USD', 'CSV', 'UTF-8'];
	const step = (name: string) => expectWhollyIn(walk, name, [...allowed, ...codes]);

	await walk.goto(link);
	await expect(walk.locator('html')).toHaveAttribute('lang', 'fa-AF');
	await expect(walk.locator('html')).toHaveAttribute('dir', 'rtl');
	await expect(walk.getByRole('heading', { name: dari.staff_invite_page_title() })).toBeVisible();
	await step('the invitation page');
	await walk.getByLabel(dari.auth_password_label(), { exact: true }).fill(password);
	await walk.getByLabel(dari.auth_password_repeat_label()).fill(password);
	await walk.getByRole('button', { name: dari.staff_invite_page_submit() }).click();
	await expect(walk).toHaveURL(/\/admin$/);
	await expect(
		walk.getByRole('heading', { level: 1, name: dari.lists_dashboard_title() })
	).toBeVisible();
	await step('the first dashboard');

	// Dari, chosen on the account, so it stays whatever the browser says.
	await walk.getByRole('link', { name: new RegExp(invitee.name) }).click();
	await expect(
		walk.getByRole('heading', { level: 1, name: dari.auth_account_title() })
	).toBeVisible();
	await walk.waitForLoadState('networkidle');
	await walk.getByLabel(dari.staff_language_label(), { exact: true }).selectOption('fa-AF');
	await walk.getByRole('button', { name: dari.staff_language_submit() }).click();
	await expect(walk.getByText(dari.staff_language_saved())).toBeVisible();
	await step('the account page');

	// A gift by hand, reached through the dashboard's links.
	await walk.getByRole('link', { name: dari.admin_nav_dashboard() }).click();
	await walk.getByRole('link', { name: dari.admin_nav_contributions() }).click();
	await expect(
		walk.getByRole('heading', { level: 1, name: dari.admin_nav_contributions() })
	).toBeVisible();
	// The rows are other tests' gifts, with names and references they typed: the page's own words
	// are read, and this walk's gift is read on its own page below.
	await walk.locator('tbody tr').evaluateAll((rows) => rows.forEach((row) => row.remove()));
	await step('the gifts list');
	await walk.getByRole('link', { name: dari.lists_record_gift() }).click();
	await expect(
		walk.getByRole('heading', { level: 1, name: dari.admin_gift_new_title() })
	).toBeVisible();
	await step('the record-a-gift form');
	await walk.waitForLoadState('networkidle');
	// A failed submit first: its messages are Dari too, not the browser's own.
	await walk.getByRole('button', { name: dari.admin_gift_record() }).click();
	await expect(walk.getByRole('alert')).toBeVisible();
	await step('the record-a-gift form with errors');
	await walk.getByLabel(dari.admin_gift_new_supporter_name(), { exact: true }).fill(giver.name);
	await walk.getByLabel(dari.admin_gift_new_supporter_email(), { exact: true }).fill(giver.email);
	await walk.getByLabel(dari.admin_gift_channel(), { exact: true }).selectOption('bank_transfer');
	await walk.getByLabel(dari.admin_gift_amount(), { exact: true }).fill('1500');
	await walk.getByLabel(dari.admin_gift_reference(), { exact: true }).fill(reference);
	await walk.getByRole('button', { name: dari.admin_gift_record() }).click();
	await expect(walk.getByRole('status')).toHaveText(dari.admin_gift_recorded());
	await expect(walk).toHaveURL(/\/admin\/contributions\/[0-9a-f-]{36}/);
	const giftPath = new URL(walk.url()).pathname;
	// Dated by the Gregorian calendar (in Dari digits), as the bank statement is, with the Solar
	// Hijri date beside it.
	const year = (calendar: string) =>
		new Intl.DateTimeFormat('fa-AF', { year: 'numeric', calendar, timeZone: 'Europe/Oslo' })
			.formatToParts(new Date())
			.find((part) => part.type === 'year')!.value;
	const received = walk.locator('dt', { hasText: dari.admin_gift_received() }).locator('+ dd');
	await expect(received).toHaveText(
		new RegExp(`^\\S+ \\S+ ${year('gregory')}.*\\(.* ${year('persian')} هجری شمسی\\)$`)
	);
	await step('the new gift');

	// The audit log names the gift in words and leads back to it.
	await walk.getByRole('link', { name: dari.admin_nav_audit() }).click();
	const entry = walk.getByRole('row').filter({ hasText: giver.name }).first();
	await expect(entry).toContainText(invitee.name);
	// Other tests' entries name other people, in other languages: only this one is read.
	await walk.locator('tbody tr').evaluateAll((rows, name) => {
		for (const row of rows) if (!row.textContent?.includes(name)) row.remove();
	}, giver.name);
	await step('the audit log');
	await entry.locator(`a[href="${giftPath}"]`).click();
	await expect(walk).toHaveURL(new RegExp(`${giftPath}$`));
	await step('the gift, opened from the audit log');

	await walk.getByRole('link', { name: dari.admin_nav_dashboard() }).click();
	await expect(
		walk.getByRole('heading', { level: 1, name: dari.lists_dashboard_title() })
	).toBeVisible();
	await expect(walk.locator('main')).toContainText(`${year('gregory')} (`);
	await expect(walk.locator('main')).toContainText(`${year('persian')} هجری شمسی)`);
	await step('the dashboard');
	await phone.close();
});
