import { randomBytes } from 'node:crypto';
import { expect, type Page } from '@playwright/test';
import { hashPassword } from '../../src/lib/server/auth/password.ts';
import { createSession, SESSION_COOKIE } from '../../src/lib/server/auth/session.ts';
import { createStaffUser } from '../../src/lib/server/auth/staff.ts';
import { createDatabase } from '../../src/lib/server/db/connection.ts';
import type { StaffRole } from '../../src/lib/server/db/schema.ts';
import { e2eDatabaseUrl } from './database.ts';

// Staff accounts for browser tests, written straight into the database the server under test
// uses (PostgreSQL: by default the shared test server's, see serve.ts).
//
//   const staff = await signInAs(page, 'staff');            // through the sign-in form
//   const { cookie } = await staffSessionCookie('viewer');   // for fetch(): { headers: { cookie } }

/** Every admin page reached without an id, for the tests that look at each one. */
export const fixedAdminPages = [
	'/admin',
	'/admin/account',
	'/admin/audit',
	'/admin/campaigns',
	'/admin/campaigns/new',
	'/admin/campaigns/report',
	'/admin/contributions',
	'/admin/contributions/new',
	'/admin/imports',
	'/admin/outbox',
	'/admin/settings',
	'/admin/staff',
	'/admin/statements',
	'/admin/supporters',
	'/admin/tax-report'
];

export const TEST_STAFF_PASSWORD = 'correct horse battery staple';

export interface TestStaff {
	id: string;
	email: string;
	name: string;
	role: StaffRole;
	password: string;
}

interface Where {
	/** The server's database; default: the shared Playwright server's. */
	databaseUrl?: string;
	/**
	 * The account's admin language; default English. Null: none yet, so its first signed-in page
	 * takes the browser's (and writes the account).
	 */
	locale?: string | null;
}

let passwordHash: Promise<string> | undefined;

async function withDatabase<T>(
	databaseUrl: string,
	work: (db: ReturnType<typeof createDatabase>) => Promise<T>
) {
	const db = createDatabase({ databaseUrl, poolSize: 1 });
	try {
		return await work(db);
	} finally {
		await db.destroy();
	}
}

/** A new account with a unique email (and the shared test password unless one is given). */
export async function createTestStaff(
	role: StaffRole,
	{
		databaseUrl = e2eDatabaseUrl(),
		email,
		name,
		password = TEST_STAFF_PASSWORD,
		locale = 'en'
	}: Where & { email?: string; name?: string; password?: string } = {}
): Promise<TestStaff> {
	const suffix = randomBytes(4).toString('hex');
	email ??= `${role}-${suffix}@e2e.komak.test`;
	name ??= `Test ${role[0].toUpperCase()}${role.slice(1)} ${suffix}`;
	const hash =
		password === TEST_STAFF_PASSWORD
			? await (passwordHash ??= hashPassword(TEST_STAFF_PASSWORD))
			: await hashPassword(password);
	return withDatabase(databaseUrl, async (db) => {
		const created = await createStaffUser(db, { email, name, role, passwordHash: hash, locale });
		if (!created.ok) throw new Error(`a staff account with ${email} already exists`);
		return {
			id: created.user.id,
			email: created.user.email,
			name: created.user.name,
			role,
			password
		};
	});
}

/**
 * Creates an account with `role` and signs it in through the sign-in form of the page's server
 * (relative to the page's baseURL); the page ends on `next` (default: the account page).
 */
export async function signInAs(
	page: Page,
	role: StaffRole,
	{ next = '/admin/account', ...where }: Where & { next?: string } = {}
): Promise<TestStaff> {
	const staff = await createTestStaff(role, where);
	await signInWithForm(page, staff, next);
	return staff;
}

export async function signInWithForm(
	page: Page,
	staff: Pick<TestStaff, 'email' | 'password'>,
	next = '/admin/account',
	baseUrl = ''
) {
	await page.goto(`${baseUrl}/admin/sign-in?next=${encodeURIComponent(next)}`);
	await page.getByLabel('Email', { exact: true }).fill(staff.email);
	await page.getByLabel('Password').fill(staff.password);
	await page.getByRole('button', { name: 'Sign in' }).click();
	await expect(page).not.toHaveURL(/\/admin\/sign-in/);
}

/**
 * Switches the signed-in account's admin language under Your account (the admin follows the
 * account, not the appeal's language cookie), then opens `next`.
 */
export async function chooseAdminLanguage(page: Page, locale: string, next = '/admin') {
	await page.goto('/admin/account');
	await page.locator('#account-locale').selectOption(locale);
	await page.locator('form[action="?/language"] button').click();
	await expect(page.locator('html')).toHaveAttribute('lang', locale);
	await page.goto(next);
	await expect(page.locator('html')).toHaveAttribute('lang', locale);
}

/**
 * An account with `role` and a signed-in session, as a Cookie header for HTTP tests without a
 * browser. Non-GET requests must also send `origin` (the admin refuses cross-origin writes).
 */
export async function staffSessionCookie(
	role: StaffRole,
	where: Where = {}
): Promise<{ staff: TestStaff; cookie: string }> {
	const staff = await createTestStaff(role, where);
	const { token } = await withDatabase(where.databaseUrl ?? e2eDatabaseUrl(), (db) =>
		createSession(db, staff.id, { isTwoFactorVerified: true })
	);
	return { staff, cookie: `${SESSION_COOKIE}=${token}` };
}

/** The invitation link from a message in the outbox addressed to `email` (0: the newest). */
export async function invitationLink(page: Page, email: string, nth = 0): Promise<string> {
	await page.goto('/admin/outbox');
	const row = page.getByRole('row', { name: new RegExp(email.replace(/[.+]/g, '\\$&')) }).nth(nth);
	await expect(row).toContainText('Staff invitation');
	await row.getByRole('link').click();
	const text = await page.locator('pre').textContent();
	const link = text?.match(/http\S+\/admin\/invite\?token=[a-z2-7]+/)?.[0];
	expect(link).toBeTruthy();
	return new URL(link!).pathname + new URL(link!).search;
}
