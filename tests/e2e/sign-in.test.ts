import AxeBuilder from '@axe-core/playwright';
import { decodeBase32IgnorePadding } from '@oslojs/encoding';
import { generateHOTP, generateTOTP } from '@oslojs/otp';
import { expect, test, type Browser, type Page } from '@playwright/test';
import { canReachPostgres } from './database.ts';
import { runAsAdmin } from '../postgres.ts';
import { freePort, freshDatabase, query, startApp, type AppProcess } from './processes.ts';
import {
	createTestStaff,
	signInAs,
	signInWithForm,
	staffSessionCookie,
	type TestStaff
} from './staff.ts';

// Staff sign-in against a server of its own on a fresh database, so that the first-run setup
// link is printed and the guessing limits start from zero.

const isPostgresReachable = await canReachPostgres();

test.describe('staff sign-in', () => {
	// One server for the file, its tests in order; several log in and out a few times.
	test.describe.configure({ mode: 'default', timeout: 60_000 });
	test.skip(!isPostgresReachable, 'needs PostgreSQL (staff are written straight into it)');

	let server: AppProcess;
	let databaseUrl: string;

	test.beforeAll(async () => {
		// One database per E2E_PORT, so that two runs side by side do not drop each other's.
		databaseUrl = await freshDatabase(`komak_e2e_sign_in_${process.env.E2E_PORT ?? 4173}`);
		server = await startApp({ DATABASE_URL: databaseUrl });
	});
	test.afterAll(async () => {
		await server?.stop();
	});

	const at = (path: string) => `${server.url}${path}`;
	const newStaff = (role: TestStaff['role'], password?: string) =>
		createTestStaff(role, { databaseUrl, password });
	const signIn = (page: Page, staff: TestStaff, next = '/admin/account') =>
		signInWithForm(page, staff, next, server.url);

	async function newPage(browser: Browser, options = {}) {
		const context = await browser.newContext(options);
		return context.newPage();
	}

	test('the setup link printed at start creates the first admin and signs them in', async ({
		page
	}) => {
		const link = server.output().match(/Create the first staff account: (\S+)/)?.[1];
		expect(link).toMatch(/\/admin\/setup\?token=[a-z2-7]{32}$/);
		await page.goto(link!);
		await expect(
			page.getByRole('heading', { name: 'Create the first admin account' })
		).toBeVisible();
		await page.getByLabel('Name').fill('Laila Ahmadi');
		await page.getByLabel('Email', { exact: true }).fill('laila@dawatmedia.no');
		await page.getByLabel('Password', { exact: true }).fill('dawat2026');
		await page.getByLabel('Password again').fill('dawat2026');
		await page.getByRole('button', { name: 'Create account and sign in' }).click();
		await expect(page.getByText('Use at least 12 characters.')).toBeVisible();
		await expect(page.getByLabel('Email', { exact: true })).toHaveValue('laila@dawatmedia.no');

		await page.getByLabel('Password', { exact: true }).fill('tea with cardamom at noon');
		await page.getByLabel('Password again').fill('tea with cardamom at noon');
		await page.getByRole('button', { name: 'Create account and sign in' }).click();
		// The password is hashed with argon2id first: seconds on a busy two-core machine.
		await expect(page).toHaveURL(at('/admin'), { timeout: 15_000 });
		await page.goto(at('/admin/account'));
		await expect(page.getByRole('heading', { name: 'Your account' })).toBeVisible();
		await expect(page.getByText('laila@dawatmedia.no')).toBeVisible();

		// The link worked once.
		await page.goto(link!);
		await expect(page.getByRole('alert')).toContainText('has been used or has expired');
	});

	test('a wrong password is told beside the form; the right one signs in, with or without JavaScript', async ({
		page,
		browser
	}) => {
		const staff = await newStaff('staff');
		await page.goto(at('/admin/sign-in'));
		await page.getByLabel('Email', { exact: true }).fill(staff.email);
		await page.getByLabel('Password').fill('not my password at all');
		await page.getByRole('button', { name: 'Sign in' }).click();
		await expect(page.getByRole('alert')).toHaveText('The email or the password is wrong.');
		await expect(page.getByLabel('Email', { exact: true })).toHaveValue(staff.email);

		const noScript = await newPage(browser, { javaScriptEnabled: false });
		await noScript.goto(at('/admin/staff'));
		await expect(noScript).toHaveURL(/\/admin\/sign-in\?next=%2Fadmin%2Fstaff/);
		await noScript.getByLabel('Email', { exact: true }).fill(staff.email);
		await noScript.getByLabel('Password').fill('not my password at all');
		await noScript.getByRole('button', { name: 'Sign in' }).click();
		await expect(noScript.getByRole('alert')).toHaveText('The email or the password is wrong.');
		await noScript.getByLabel('Password').fill(staff.password);
		await noScript.getByRole('button', { name: 'Sign in' }).click();
		// Back where they were going; a staff member may not manage accounts.
		await expect(noScript).toHaveURL(at('/admin/staff'));
		await expect(noScript.getByText('Your role does not allow this.')).toBeVisible();
		await noScript.context().close();
	});

	test('a stranger’s wrong passwords slow the account down, but its owner still signs in on a browser used before', async ({
		page,
		browser
	}) => {
		const staff = await newStaff('admin');
		// The owner has signed in on this browser before.
		await signIn(page, staff);
		await page.getByRole('button', { name: 'Sign out', exact: true }).click();
		await expect(page.getByText('You are signed out.')).toBeVisible();

		const stranger = await newPage(browser);
		await stranger.goto(at('/admin/sign-in'));
		await stranger.getByLabel('Email', { exact: true }).fill(staff.email);
		for (let i = 1; i <= 5; i++) {
			await stranger.getByLabel('Password').fill(`wrong guess number ${i}`);
			await stranger.getByRole('button', { name: 'Sign in' }).click();
			await expect(stranger.getByRole('alert')).toHaveText('The email or the password is wrong.');
			// The enhanced form re-renders the same alert: wait for the request to finish.
			await expect(stranger.getByRole('button', { name: 'Sign in' })).toBeEnabled();
		}
		// The sixth attempt waits, even with the right password.
		await stranger.getByLabel('Password').fill(staff.password);
		await stranger.getByRole('button', { name: 'Sign in' }).click();
		await expect(stranger.getByRole('alert')).toHaveText(
			'Too many failed attempts. Try again in 1 min, or sign in now on a device you have signed in on before.'
		);
		await expect(stranger).toHaveURL(/\/admin\/sign-in/);

		await signIn(page, staff);
		await expect(page.getByRole('heading', { name: 'Your account' })).toBeVisible();
		await stranger.context().close();
	});

	test('the session cookie is HttpOnly, SameSite=Lax, for 12 hours, and not Secure on local http', async ({
		page
	}) => {
		const staff = await newStaff('viewer');
		await signIn(page, staff);
		const cookies = await page.context().cookies();
		const session = cookies.find((c) => c.name === 'komak_staff_session');
		expect(session).toMatchObject({ httpOnly: true, sameSite: 'Lax', path: '/', secure: false });
		expect(session!.value).toMatch(/^[a-z2-7]{24}\.[a-z2-7]{32}$/);
		const hoursLeft = (session!.expires * 1000 - Date.now()) / 3_600_000;
		expect(hoursLeft).toBeGreaterThan(11.9);
		expect(hoursLeft).toBeLessThanOrEqual(12);
		// Scripts on the page cannot read it.
		expect(await page.evaluate(() => document.cookie)).not.toContain('komak_staff_session');
		// The sign-out button ends it.
		await page.getByRole('button', { name: 'Sign out', exact: true }).click();
		await expect(page.getByText('You are signed out.')).toBeVisible();
		await page.goto(at('/admin/account'));
		await expect(page).toHaveURL(/\/admin\/sign-in/);
	});

	test('signing out everywhere ends the session in another browser too', async ({
		page,
		browser
	}) => {
		const staff = await newStaff('staff');
		const other = await newPage(browser);
		await signIn(page, staff);
		await signIn(other, staff);
		await other.reload();
		await expect(other.getByRole('heading', { name: 'Your account' })).toBeVisible();

		await page.getByRole('button', { name: 'Sign out everywhere' }).click();
		await expect(page.getByText('You are signed out.')).toBeVisible();
		await other.goto(at('/admin/account'));
		await expect(other).toHaveURL(/\/admin\/sign-in\?next=%2Fadmin%2Faccount/);
		await page.goto(at('/admin/account'));
		await expect(page).toHaveURL(/\/admin\/sign-in/);
		await other.context().close();
	});

	test('changing the password keeps this browser signed in and signs the other out', async ({
		page,
		browser
	}) => {
		const staff = await newStaff('viewer');
		const other = await newPage(browser);
		await signIn(page, staff);
		await signIn(other, staff);
		await page.getByLabel('Current password').fill('not the password');
		await page.getByLabel('New password', { exact: true }).fill('a quiet walk by the fjord');
		await page.getByLabel('New password again').fill('a quiet walk by the fjord');
		await page.getByRole('button', { name: 'Change password' }).click();
		await expect(page.getByText('Your current password is wrong.')).toBeVisible();
		await page.getByLabel('Current password').fill(staff.password);
		await page.getByRole('button', { name: 'Change password' }).click();
		await expect(page.getByText('Your password is changed.')).toBeVisible();
		await page.reload();
		await expect(page.getByRole('heading', { name: 'Your account' })).toBeVisible();
		await other.goto(at('/admin/account'));
		await expect(other).toHaveURL(/\/admin\/sign-in/);
		await signIn(other, { ...staff, password: 'a quiet walk by the fjord' });
		await other.context().close();
	});

	test('turning on two-factor shows recovery codes once, then sign-in asks for a code', async ({
		page
	}) => {
		const staff = await newStaff('admin');
		await signIn(page, staff);
		await page.getByRole('button', { name: 'Turn on two-factor sign-in' }).click();
		await expect(
			page.getByRole('img', { name: 'QR code for your authenticator app' })
		).toBeVisible();
		const typedKey = await page.getByTestId('totp-key').textContent();
		const key = decodeBase32IgnorePadding(typedKey!.replace(/\s/g, ''));
		expect(key).toHaveLength(20);

		await page.getByLabel('Code from the app').fill('000000');
		await page.getByRole('button', { name: 'Confirm and turn on' }).click();
		await expect(page.getByText('That code is wrong or has expired.')).toBeVisible();
		const enrolmentCode = generateTOTP(key, 30, 6);
		await page.getByLabel('Code from the app').fill(enrolmentCode);
		await page.getByRole('button', { name: 'Confirm and turn on' }).click();
		await expect(page.getByRole('heading', { name: 'Your recovery codes' })).toBeVisible();
		const recoveryCodes = await page.locator('.recovery-codes li').allTextContents();
		expect(recoveryCodes).toHaveLength(10);
		await expect(page.getByText(/Two-factor sign-in is on \(since/)).toBeVisible();
		await page.reload();
		await expect(page.getByRole('heading', { name: 'Your recovery codes' })).toHaveCount(0);

		await page.getByRole('button', { name: 'Sign out', exact: true }).click();
		await page.goto(at('/admin/sign-in?next=%2Fadmin%2Fstaff'));
		await page.getByLabel('Email', { exact: true }).fill(staff.email);
		await page.getByLabel('Password').fill(staff.password);
		await page.getByRole('button', { name: 'Sign in' }).click();
		await expect(page).toHaveURL(/\/admin\/sign-in\/two-factor\?next=%2Fadmin%2Fstaff/);
		// With the password alone the admin is still kept out, and sent back to the code step.
		await page.goto(at('/admin/staff'));
		await expect(page).toHaveURL(/\/admin\/sign-in\/two-factor\?next=%2Fadmin%2Fstaff/);
		await expect(page.getByRole('heading', { name: 'Staff accounts' })).toHaveCount(0);
		await page.getByLabel('Code').fill('123456');
		await page.getByRole('button', { name: 'Continue' }).click();
		await expect(page.getByText('That code is wrong or has expired.')).toBeVisible();
		// The code that turned it on is used up; the app's next one signs in.
		await page.getByLabel('Code').fill(enrolmentCode);
		await page.getByRole('button', { name: 'Continue' }).click();
		await expect(page.getByText('That code is wrong or has expired.')).toBeVisible();
		await page
			.getByLabel('Code')
			.fill(generateHOTP(key, BigInt(Math.floor(Date.now() / 30_000) + 1), 6));
		await page.getByRole('button', { name: 'Continue' }).click();
		await expect(page).toHaveURL(at('/admin/staff'));
		await expect(page.getByRole('heading', { name: 'Staff accounts' })).toBeVisible();

		// A recovery code works once instead of the app's code.
		await page.getByRole('button', { name: 'Sign out', exact: true }).click();
		for (const attempt of ['works', 'used up'] as const) {
			await page.goto(at('/admin/sign-in'));
			await page.getByLabel('Email', { exact: true }).fill(staff.email);
			await page.getByLabel('Password').fill(staff.password);
			await page.getByRole('button', { name: 'Sign in' }).click();
			await page.getByLabel('Code').fill(recoveryCodes[3]);
			await page.getByRole('button', { name: 'Continue' }).click();
			if (attempt === 'works') {
				await expect(page).not.toHaveURL(/sign-in/);
				await page.goto(at('/admin/account'));
				await expect(page.getByText('Unused recovery codes: 9.')).toBeVisible();
				await page.getByRole('button', { name: 'Sign out', exact: true }).click();
			} else {
				await expect(page.getByText('That code is wrong or has expired.')).toBeVisible();
			}
		}
	});

	test('a viewer gets 403 on the staff accounts page; an admin manages accounts there', async ({
		page,
		browser
	}) => {
		const viewer = await newStaff('viewer');
		const viewerPage = await newPage(browser);
		await signIn(viewerPage, viewer);
		const response = await viewerPage.goto(at('/admin/staff'));
		expect(response?.status()).toBe(403);

		const admin = await newStaff('admin');
		await signIn(page, admin, '/admin/staff');
		await expect(page.getByRole('heading', { name: 'Staff accounts' })).toBeVisible();
		await expect(page.getByRole('row', { name: viewer.email })).toContainText('Active');

		// Adding someone is an invitation: no password is typed for them.
		await expect(page.getByLabel('Initial password')).toHaveCount(0);
		await page.getByLabel('Name').fill('Farid Noori');
		await page.getByLabel('Email', { exact: true }).fill('farid@dawatmedia.no');
		await page.getByLabel('Role', { exact: true }).selectOption('staff');
		await page.getByRole('button', { name: 'Send invitation' }).click();
		await expect(page.getByText('The invitation is in the outbox.')).toBeVisible();
		await expect(page.getByRole('row', { name: 'farid@dawatmedia.no' })).toBeVisible();

		// Disabling the viewer is asked once more, then ends their session at once.
		await page
			.getByRole('button', { name: `Disable ${viewer.name}` })
			.first()
			.click();
		await page.getByRole('button', { name: `Yes, disable ${viewer.name}` }).click();
		await expect(
			page.getByText('The account is disabled and signed out everywhere.')
		).toBeVisible();
		await viewerPage.goto(at('/admin/account'));
		await expect(viewerPage).toHaveURL(/\/admin\/sign-in/);
		await viewerPage.context().close();
	});

	test('axe finds no violations on the sign-in, code, account and staff pages', async ({
		page
	}) => {
		test.setTimeout(120_000); // about a dozen axe scans on a shared 2-core machine
		const axe = async () => {
			const results = await new AxeBuilder({ page }).analyze();
			return results.violations.map(
				(v) => `${page.url()} ${v.id}: ${v.nodes.map((n) => n.target).join(', ')}`
			);
		};
		const admin = await newStaff('admin');
		await newStaff('viewer');
		for (const width of [390, 1280]) {
			await page.setViewportSize({ width, height: 900 });
			await page.goto(at('/admin/sign-in'));
			await page.getByLabel('Email', { exact: true }).fill(admin.email);
			await page.getByLabel('Password').fill('not the password');
			await page.getByRole('button', { name: 'Sign in' }).click();
			await expect(page.getByRole('alert')).toBeVisible();
			expect(await axe()).toEqual([]);
			await page.getByLabel('Password').fill(admin.password);
			await page.getByRole('button', { name: 'Sign in' }).click();
			await expect(page).not.toHaveURL(/sign-in/);
			await page.goto(at('/admin/staff'));
			expect(await axe()).toEqual([]);
			await page.goto(at('/admin/account'));
			const turnOn = page.getByRole('button', { name: 'Turn on two-factor sign-in' });
			if (await turnOn.isVisible()) await turnOn.click();
			await expect(page.getByTestId('totp-key')).toBeVisible();
			expect(await axe()).toEqual([]);
			await page.getByRole('button', { name: 'Sign out', exact: true }).click();
		}
		const pending = await newStaff('staff');
		await signIn(page, pending);
		await page.getByRole('button', { name: 'Turn on two-factor sign-in' }).click();
		const key = decodeBase32IgnorePadding(
			(await page.getByTestId('totp-key').textContent())!.replace(/\s/g, '')
		);
		await page.getByLabel('Code from the app').fill(generateTOTP(key, 30, 6));
		await page.getByRole('button', { name: 'Confirm and turn on' }).click();
		await expect(page.getByRole('heading', { name: 'Your recovery codes' })).toBeVisible();
		expect(await axe()).toEqual([]);
		await page.getByRole('button', { name: 'Sign out', exact: true }).click();
		await page.goto(at('/admin/sign-in'));
		await page.getByLabel('Email', { exact: true }).fill(pending.email);
		await page.getByLabel('Password').fill(pending.password);
		await page.getByRole('button', { name: 'Sign in' }).click();
		await page.getByLabel('Code').fill('000000');
		await page.getByRole('button', { name: 'Continue' }).click();
		await expect(page.getByText('That code is wrong or has expired.')).toBeVisible();
		expect(await axe()).toEqual([]);
	});

	test('a cross-origin form post to the admin is refused before anything happens', async () => {
		const { cookie } = await staffSessionCookie('admin', { databaseUrl });
		const target = await newStaff('viewer');
		const disable = (headers: Record<string, string>) =>
			fetch(at('/admin/staff?/disable'), {
				method: 'POST',
				headers: { cookie, 'content-type': 'application/x-www-form-urlencoded', ...headers },
				body: `id=${target.id}&confirm=yes`,
				redirect: 'manual'
			});
		expect((await disable({ origin: 'https://evil.example' })).status).toBe(403);
		expect((await disable({ 'sec-fetch-site': 'same-site', origin: server.url })).status).toBe(403);
		expect((await disable({})).status).toBe(403);
		const rows = await query<{ is_disabled: boolean }>(
			databaseUrl,
			'select is_disabled from staff_user where id = $1',
			[target.id]
		);
		expect(rows).toEqual([{ is_disabled: false }]);

		// The same request from the admin's own origin goes through.
		const sameOrigin = await disable({ origin: server.url, 'x-sveltekit-action': 'true' });
		expect(await sameOrigin.json()).toMatchObject({ type: 'redirect', status: 303 });
		const after = await query(databaseUrl, 'select is_disabled from staff_user where id = $1', [
			target.id
		]);
		expect(after).toEqual([{ is_disabled: true }]);
	});
});

test.describe('the signInAs helper', () => {
	test.skip(!isPostgresReachable, 'needs PostgreSQL (staff are written straight into it)');

	test('signs each role in on the shared test server', async ({ browser }) => {
		for (const role of ['viewer', 'staff', 'admin'] as const) {
			const page = await (await browser.newContext()).newPage();
			const staff = await signInAs(page, role);
			await expect(page.getByRole('heading', { name: 'Your account' })).toBeVisible();
			await expect(page.getByText(staff.email)).toBeVisible();
			expect((await page.goto('/admin/staff'))?.status()).toBe(role === 'admin' ? 200 : 403);
			await page.context().close();
		}
	});
});

test.describe('staff sign-in over https', () => {
	test.skip(!isPostgresReachable, 'needs PostgreSQL (staff are written straight into it)');

	const databaseName = `komak_e2e_auth_https_${process.env.E2E_PORT ?? 4173}`;
	let server: AppProcess;
	let databaseUrl: string;
	let origin: string;

	test.beforeAll(async () => {
		databaseUrl = await freshDatabase(databaseName);
		const port = await freePort();
		// As behind a proxy that ends TLS: ORIGIN tells the app its address is https.
		origin = `https://localhost:${port}`;
		server = await startApp({ DATABASE_URL: databaseUrl, ORIGIN: origin }, port);
	});
	test.afterAll(async () => {
		await server?.stop();
		await runAsAdmin(`drop database if exists ${databaseName} with (force)`);
	});

	test('the session cookie is __Host-: Secure, for the whole site, no Domain, and read under that name', async () => {
		const staff = await createTestStaff('viewer', { databaseUrl });
		const signIn = await fetch(`${server.url}/admin/sign-in`, {
			method: 'POST',
			// As a browser's form post without JavaScript.
			headers: {
				origin,
				accept: 'text/html',
				'content-type': 'application/x-www-form-urlencoded'
			},
			body: new URLSearchParams({ email: staff.email, password: staff.password }),
			redirect: 'manual'
		});
		expect(signIn.status).toBe(303);
		const setCookie = signIn.headers
			.getSetCookie()
			.find((header) => header.includes('komak_staff_session='));
		expect(setCookie).toMatch(/^__Host-komak_staff_session=[a-z2-7]{24}\.[a-z2-7]{32};/);
		const attributes = setCookie!.split(/;\s*/).slice(1);
		expect(attributes).toEqual(
			expect.arrayContaining(['Path=/', 'Secure', 'HttpOnly', 'SameSite=Lax'])
		);
		expect(attributes.some((attribute) => /^domain=/i.test(attribute))).toBe(false);

		const token = setCookie!.split(';')[0].split('=')[1];
		const account = (cookie: string) =>
			fetch(`${server.url}/admin/account`, { headers: { cookie }, redirect: 'manual' });
		expect((await account(`__Host-komak_staff_session=${token}`)).status).toBe(200);
		// On https the plain name is not read: a cookie planted over http does not sign anyone in.
		const plain = await account(`komak_staff_session=${token}`);
		expect(plain.status).toBe(303);
		expect(plain.headers.get('location')).toMatch(/^\/admin\/sign-in/);
	});
});
