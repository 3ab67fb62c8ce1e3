import { expect, test } from '@playwright/test';
import { canReachPostgres } from './database.ts';
import {
	createTestStaff,
	invitationLink,
	signInAs,
	signInWithForm,
	staffSessionCookie
} from './staff.ts';
import { wordsIn } from './words.ts';

const dari = wordsIn('fa-AF');

// Staff accounts are invited by email; an admin never locks themself out, and taking someone's
// access away is asked once more.

const hasPostgres = await canReachPostgres();

test.describe('staff accounts', () => {
	test.skip(!hasPostgres, 'staff accounts are written into the PostgreSQL the test server uses');

	test('an admin invites a staff member, who sets a password through the link and signs in', async ({
		page,
		browser
	}) => {
		test.setTimeout(90_000);
		const admin = await signInAs(page, 'admin', { next: '/admin/staff' });
		const email = `nadia-${Date.now().toString(36)}@dawatmedia.no`;
		await page.getByLabel('Name').fill('Nadia Rahimi');
		await page.getByLabel('Email', { exact: true }).fill(email);
		await page.getByLabel('Role', { exact: true }).selectOption('viewer');
		await page.getByLabel('Language of the invitation').selectOption('fa-AF');
		await page.getByRole('button', { name: 'Send invitation' }).click();
		await expect(page.getByText('The invitation is in the outbox.')).toBeVisible();
		const row = page.getByRole('row', { name: new RegExp(email) });
		await expect(row).toContainText('Invited, no password yet');
		await expect(row).toContainText('read-only viewer');

		// A resend replaces the first link.
		await row.getByRole('button', { name: 'Send Nadia Rahimi a new invitation' }).click();
		await expect(page.getByText('A new invitation is in the outbox')).toBeVisible();

		const firstLink = await invitationLink(page, email, 1);
		const link = await invitationLink(page, email);
		// The invitation is written in the language the admin chose.
		await expect(page.locator('pre')).toContainText('رمز عبور');

		const invitee = await (await browser.newContext()).newPage();
		await invitee.goto(firstLink);
		await expect(invitee.getByRole('alert')).toContainText('This invitation link does not work.');
		// Opening the link (as a mail scanner would) uses nothing up.
		await invitee.goto(link);
		await invitee.goto(link);
		// The page speaks the invitation's language, whatever the browser's.
		await expect(invitee.locator('html')).toHaveAttribute('lang', 'fa-AF');
		await expect(
			invitee.getByRole('heading', { name: dari.staff_invite_page_title() })
		).toBeVisible();
		await expect(invitee.getByText('Nadia Rahimi')).toBeVisible();
		const password = invitee.getByLabel(dari.auth_password_label(), { exact: true });
		const repeated = invitee.getByLabel(dari.auth_password_repeat_label());
		const submit = invitee.getByRole('button', { name: dari.staff_invite_page_submit() });
		await password.fill('kabul tea with cardamom');
		await repeated.fill('kabul tea with cardamom!');
		await submit.click();
		await expect(invitee.getByText(dari.auth_error_password_mismatch())).toBeVisible();
		await password.fill('kabul tea with cardamom');
		await repeated.fill('kabul tea with cardamom');
		await submit.click();
		await expect(invitee).toHaveURL(/\/admin$/);
		// The admin goes on in the language the password was chosen in.
		await expect(invitee.locator('html')).toHaveAttribute('lang', 'fa-AF');

		// The link worked once; the password signs in from then on.
		await invitee.goto(link);
		await expect(invitee.getByRole('alert')).toContainText(dari.staff_invite_used());
		await invitee.goto('/admin');
		await invitee.getByRole('button', { name: dari.admin_sign_out(), exact: true }).click();
		await signInWithForm(invitee, { email, password: 'kabul tea with cardamom' });
		await expect(invitee.getByRole('heading', { name: dari.auth_account_title() })).toBeVisible();
		await invitee.context().close();

		await page.goto('/admin/staff');
		await expect(page.getByRole('row', { name: new RegExp(email) })).toContainText('Active');

		// The audit log says it in words, naming the admin and the invitee, and links to them.
		await page.goto('/admin/audit');
		const invited = page
			.getByRole('cell', {
				name: `${admin.name} invited Nadia Rahimi with the role read-only viewer`
			})
			.first();
		await expect(invited).toBeVisible();
		await expect(
			page
				.getByRole('cell', {
					name: 'Nadia Rahimi chose a password and signed in for the first time'
				})
				.first()
		).toBeVisible();
		await invited.getByRole('link', { name: 'Nadia Rahimi' }).click();
		await expect(page).toHaveURL(/\/admin\/staff#staff-[0-9a-f-]{36}$/);
		const target = page.locator(':target');
		await expect(target).toContainText(email);
	});

	test('an admin cannot disable or demote themself; another account asks for confirmation first', async ({
		page,
		browser,
		request,
		baseURL
	}) => {
		const admin = await signInAs(page, 'admin', { next: '/admin/staff' });
		const own = page.getByRole('row', { name: new RegExp(admin.email) });
		await expect(own).toContainText('another admin can change its role or disable it');
		await expect(own.getByRole('button')).toHaveCount(0);

		// Refused on the server too, with words for people.
		for (const form of [
			{ action: 'disable', role: '' },
			{ action: 'role', role: 'viewer' }
		]) {
			const cookie = (await page.context().cookies()).map((c) => `${c.name}=${c.value}`).join('; ');
			const response = await request.post(`/admin/staff?/${form.action}`, {
				headers: { cookie, origin: baseURL!, accept: 'text/html' },
				form: { id: admin.id, role: form.role, confirm: 'yes' },
				maxRedirects: 0
			});
			expect(response.status()).toBe(409);
		}
		await page.reload();
		await expect(page.getByRole('row', { name: new RegExp(admin.email) })).toContainText(
			'administrator'
		);

		// Without JavaScript: demoting someone else is asked once more, and Cancel changes nothing.
		const other = await createTestStaff('admin');
		const noScript = await (await browser.newContext({ javaScriptEnabled: false })).newPage();
		await signInWithForm(noScript, admin, '/admin/staff');
		const row = noScript.getByRole('row', { name: new RegExp(other.email) });
		await row.getByLabel(`Role for ${other.name}`).selectOption('staff');
		await row.getByRole('button', { name: 'Change role' }).click();
		await expect(
			noScript.getByRole('heading', { name: `Make ${other.name} a staff member?` })
		).toBeVisible();
		await noScript.getByRole('link', { name: 'Cancel' }).click();
		await expect(noScript.getByRole('row', { name: new RegExp(other.email) })).toContainText(
			'Active'
		);
		await noScript
			.getByRole('row', { name: new RegExp(other.email) })
			.getByLabel(`Role for ${other.name}`)
			.selectOption('staff');
		await noScript
			.getByRole('row', { name: new RegExp(other.email) })
			.getByRole('button', { name: 'Change role' })
			.click();
		await noScript.getByRole('button', { name: 'Yes, change the role' }).click();
		await expect(noScript.getByText('The role is changed.')).toBeVisible();
		await noScript
			.getByRole('row', { name: new RegExp(other.email) })
			.getByRole('button', { name: `Disable ${other.name}` })
			.click();
		await expect(noScript.getByRole('heading', { name: `Disable ${other.name}?` })).toBeVisible();
		await noScript.getByRole('button', { name: `Yes, disable ${other.name}` }).click();
		await expect(noScript.getByRole('row', { name: new RegExp(other.email) })).toContainText(
			'Disabled'
		);
		await noScript.context().close();
	});

	test('each account keeps its own admin language: first the browser’s, then its choice, on any browser, whatever the appeal’s language', async ({
		browser,
		baseURL
	}) => {
		const { staff, cookie } = await staffSessionCookie('staff', { locale: null });
		const [name, value] = cookie.split('=');
		const norwegian = await browser.newContext({ locale: 'nb-NO' });
		await norwegian.addCookies([{ name, value, url: baseURL! }]);
		const page = await norwegian.newPage();
		await page.goto('/admin/account');
		await expect(page.locator('html')).toHaveAttribute('lang', 'nb');
		await expect(page.getByRole('heading', { name: 'Din konto' })).toBeVisible();

		await page.getByLabel('Språk', { exact: true }).selectOption('fa-AF');
		await page.getByRole('button', { name: 'Lagre språk' }).click();
		await expect(page.locator('html')).toHaveAttribute('lang', 'fa-AF');
		await expect(page.locator('html')).toHaveAttribute('dir', 'rtl');
		await expect(page.getByText('زبان شما ذخیره شد.')).toBeVisible();

		// Reading the appeal in English changes the appeal, not the admin.
		await page.goto('/language/en?to=/');
		await expect(page.locator('html')).toHaveAttribute('lang', 'en');
		await page.goto('/admin/account');
		await expect(page.locator('html')).toHaveAttribute('lang', 'fa-AF');
		await norwegian.close();

		// A fresh browser in English: the sign-in page is English, the admin after it Dari.
		const fresh = await (await browser.newContext({ locale: 'en-GB' })).newPage();
		await signInWithForm(fresh, staff);
		await expect(fresh.locator('html')).toHaveAttribute('lang', 'fa-AF');
		await expect(fresh.getByLabel('زبان', { exact: true })).toHaveValue('fa-AF');
		await fresh.context().close();
	});
});
