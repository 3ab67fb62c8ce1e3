import { expect, test } from '@playwright/test';
import { canReachPostgres } from './database.ts';
import { signInAs } from './staff.ts';
import { expectWhollyIn, wordsIn } from './words.ts';

// An error page speaks the reader's language too: a viewer who reads Dari, on a phone, opening a
// page their role does not allow or an address that leads nowhere, is told so in Dari inside the
// admin's frame, with a way back.

const hasPostgres = await canReachPostgres();
const dari = wordsIn('fa-AF');

test.use({ viewport: { width: 390, height: 844 } });

test('a Dari-speaking viewer is told in Dari that a page is not allowed or not there', async ({
	page
}) => {
	test.skip(!hasPostgres, 'staff accounts are written into the PostgreSQL the test server uses');
	const viewer = await signInAs(page, 'viewer', { locale: 'fa-AF', next: '/admin' });
	const allowed = [viewer.name, viewer.email, 'Komak'];

	const forbidden = await page.goto('/admin/staff');
	expect(forbidden?.status()).toBe(403);
	await expect(page.locator('html')).toHaveAttribute('dir', 'rtl');
	await expect(
		page.getByRole('heading', { level: 1, name: dari.error_forbidden_title() })
	).toBeVisible();
	await expect(page.getByText(dari.error_forbidden_text())).toBeVisible();
	await expect(page.getByRole('navigation', { name: dari.admin_nav_label() })).toBeVisible();
	await expectWhollyIn(page, 'the page a viewer may not open', allowed);

	const missing = await page.goto('/admin/contributions/00000000-0000-4000-8000-000000000000');
	expect(missing?.status()).toBe(404);
	await expect(
		page.getByRole('heading', { level: 1, name: dari.error_not_found_title() })
	).toBeVisible();
	await expectWhollyIn(page, 'a gift that is not there', allowed);
	await page.getByRole('link', { name: dari.admin_nav_dashboard() }).last().click();
	await expect(page).toHaveURL(/\/admin$/);
});
