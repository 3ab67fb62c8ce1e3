import AxeBuilder from '@axe-core/playwright';
import { expect, test } from '@playwright/test';
import { canReachPostgres, e2eDatabaseUrl } from './database.ts';
import { query } from './processes.ts';
import { signInAs } from './staff.ts';

// A fresh install has no mail server: a card gift's receipt is made by the app's mail worker and
// kept in the outbox, where an admin reads it, its HTML in a sandboxed frame.

const hasPostgres = await canReachPostgres();

test('without a mail server, a receipt waits in the outbox for an admin to read', async ({
	page
}) => {
	test.skip(!hasPostgres, 'the gift is written into the PostgreSQL the test server uses');
	const suffix = Date.now().toString(36);
	const url = e2eDatabaseUrl();
	const [{ id: supporterId }] = await query<{ id: string }>(
		url,
		`insert into supporter (name, email, preferred_locale) values ($1, $2, 'fa-AF') returning id`,
		[`Outbox Reader ${suffix}`, `outbox-${suffix}@example.org`]
	);
	await query(
		url,
		`insert into contribution (supporter_id, channel, kind, amount_minor, currency, status, external_reference)
		 values ($1, 'card', 'one_off', 25000, 'NOK', 'succeeded', $2)`,
		[supporterId, `pi_outbox_${suffix}`]
	);
	await signInAs(page, 'admin', { next: '/admin/outbox' });
	await expect(page.getByText('No mail server is set (SMTP_URL)')).toBeVisible();
	// The worker looks every few seconds.
	const row = page.getByRole('row', { name: new RegExp(`outbox-${suffix}@example.org`) });
	await expect(async () => {
		await page.reload();
		await expect(row).toBeVisible({ timeout: 1000 });
	}).toPass({ timeout: 15_000 });
	await expect(row).toContainText('Kept: no mail server');
	await expect(row).toContainText('Receipt');

	await row.getByRole('link').click();
	await expect(page.getByRole('heading', { level: 1 })).toContainText('تشکر از کمک شما');
	await expect(page.getByText('Set a mail server (SMTP_URL) to send this message.')).toBeVisible();
	const frame = page.frameLocator('iframe[title="The message as the supporter sees it"]');
	const heading = frame.getByRole('heading', { name: /تشکر فراوان/ });
	await expect(heading).toBeVisible();
	// The email's own inline styles apply inside the frame (the admin's policy forbids them).
	await expect(heading).toHaveCSS('font-size', '22px');
	await expect(frame.locator('html')).toHaveAttribute('dir', 'rtl');
	await expect(page.locator('pre')).toContainText('شماره رسید');
	// axe cannot run inside the sandboxed frame (no scripts there): it checks the admin page.
	expect((await new AxeBuilder({ page }).exclude('iframe').analyze()).violations).toEqual([]);
});
