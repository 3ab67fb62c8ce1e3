import { expect, test } from '@playwright/test';
import { createSupporterSession } from '../../src/lib/server/self-service/session.ts';
import { createDatabase } from '../../src/lib/server/db/connection.ts';
import { canReachPostgres } from './database.ts';
import { submitGift, useCardGivingApp } from './card-app.ts';
import { query } from './processes.ts';
import { staffSessionCookie } from './staff.ts';

// Findings of a security and fault probe, each reproduced before its fix: the answers a stranger
// or a careless link gets must be clear 4xx pages, never a redirect off the site, a 500 or a
// giver's details.

const isPostgresReachable = await canReachPostgres();

test.describe('the language switcher', () => {
	for (const target of ['/%09/evil.example/x', '/%0a/evil.example/x', '/%5Cevil.example/x']) {
		test(`stays on this site when sent to ${target}`, async ({ page, baseURL }) => {
			const response = await page.goto(`/language/en?to=${target}`);
			expect(response?.status()).toBe(200);
			expect(new URL(page.url()).origin).toBe(new URL(baseURL!).origin);
			await expect(page.getByRole('heading', { level: 1 })).toBeVisible();
		});
	}

	test('still returns to a page of this site', async ({ page }) => {
		await page.goto('/language/nb?to=/my/sign-in');
		expect(new URL(page.url()).pathname).toBe('/my/sign-in');
		await expect(page.locator('html')).toHaveAttribute('lang', 'nb');
	});
});

test.describe('bad input gets a 4xx, not a 500', () => {
	test('a text/plain post to the appeal form is refused as not a form', async ({
		request,
		baseURL
	}) => {
		const response = await request.post('/?/give', {
			headers: { origin: baseURL!, 'content-type': 'text/plain' },
			data: 'frequency=one_off&currency=NOK&amount_NOK=250'
		});
		expect(response.status()).toBeGreaterThanOrEqual(400);
		expect(response.status()).toBeLessThan(500);
	});

	test('a NUL in the donor name is dropped and the form answers as for any name', async ({
		request,
		baseURL
	}) => {
		const response = await request.post('/?/give', {
			headers: { origin: baseURL!, accept: 'text/html' },
			form: {
				frequency: 'one_off',
				currency: 'NOK',
				amount_NOK: '250',
				name: 'Laila\u0000 Ahmadi',
				email: 'not-an-email'
			}
		});
		expect(response.status()).toBe(400);
		const html = await response.text();
		expect(html).toContain('Enter an email address like name@example.com.');
		expect(html).toContain('value="Laila Ahmadi"');
	});

	for (const path of [
		'/admin/supporters?q=%00',
		'/admin/contributions?q=a%00b',
		'/admin/contributions/export.csv?q=%00',
		'/admin/supporters/export.csv?tag=%00'
	]) {
		test(`a NUL in the address ${path} gets a 400`, async ({ request }) => {
			const { cookie } = await staffSessionCookie('admin');
			const response = await request.get(path, { headers: { cookie } });
			expect(response.status()).toBe(400);
		});
	}

	test('static files are not sniffed into another type', async ({ request }) => {
		for (const path of ['/robots.txt', '/favicon.svg']) {
			const response = await request.get(path);
			expect(response.status()).toBe(200);
			expect(response.headers()['x-content-type-options']).toBe('nosniff');
		}
		const page = await (await request.get('/')).text();
		const script = /\/_app\/immutable\/[^"]+\.js/.exec(page)?.[0];
		expect(script).toBeTruthy();
		const asset = await request.get(script!);
		expect(asset.headers()['x-content-type-options']).toBe('nosniff');
	});
});

test.describe('with card giving on', () => {
	test.skip(!isPostgresReachable, 'needs PostgreSQL');
	test.describe.configure({ mode: 'serial' });
	const card = useCardGivingApp('komak_e2e_hardening');

	test('the thank-you page shows the email and amount only to the browser that gave', async ({
		browser
	}) => {
		const { app } = card();
		const giver = await browser.newContext({ javaScriptEnabled: false });
		const page = await giver.newPage();
		await page.goto(`${app.url}/language/en?to=/`);
		await page.getByLabel('Your name').fill('Laila Ahmadi');
		await page.getByLabel('Email', { exact: true }).fill('laila.thanks@example.com');
		await page.getByRole('button', { name: /^Give (NOK 250 )?by card$/ }).click();
		await page.getByRole('button', { name: 'Pay' }).click();
		await expect(page).toHaveURL(/\/thank-you\?session_id=cs_/);
		await expect(page.getByRole('main')).toContainText('We have received your gift of NOK 250.');
		await expect(page.getByRole('main')).toContainText('laila.thanks@example.com');

		const stranger = await browser.newContext();
		const other = await stranger.newPage();
		await other.goto(page.url());
		await expect(other.getByRole('heading', { level: 1 })).toHaveText(
			'Thank you! Your gift has been received'
		);
		await expect(other.getByRole('main')).toContainText('A receipt is on its way by email.');
		await expect(other.getByRole('main')).not.toContainText('laila.thanks@example.com');
		await expect(other.getByRole('main')).not.toContainText('250');
		await giver.close();
		await stranger.close();
	});

	test('a NUL in a cancellation reason on /my ends the plan and stores Stripe’s event', async ({
		request
	}) => {
		const { app, fake, databaseUrl } = card();
		const email = 'nul.reason@example.org';
		const gift = await submitGift(card(), {
			frequency: 'monthly',
			amount_NOK: '200',
			name: 'Nadia Noori',
			email
		});
		await fake.completeCheckout(new URL(gift.location!).pathname.split('/').at(-1)!);
		const [plan] = await query<{ id: string; supporter_id: string }>(
			databaseUrl,
			'select p.id, p.supporter_id from recurring_plan p join supporter s on s.id = p.supporter_id where s.email = $1',
			[email]
		);
		const db = createDatabase({ databaseUrl, poolSize: 1 });
		const token = await createSupporterSession(db, plan.supporter_id).finally(() => db.destroy());

		const response = await request.post(`${app.url}/my/plans/${plan.id}/cancel`, {
			headers: {
				origin: app.url,
				accept: 'text/html',
				cookie: `komak_supporter_session=${token}`
			},
			form: { comment: 'Moving\u0000 abroad' },
			maxRedirects: 0
		});
		expect(response.status()).toBeLessThan(400);
		await expect
			.poll(async () =>
				query(
					databaseUrl,
					'select status, cancellation_comment from recurring_plan where id = $1',
					[plan.id]
				)
			)
			.toEqual([{ status: 'canceled', cancellation_comment: 'Moving abroad' }]);
		const events = await query<{ status: string }>(
			databaseUrl,
			"select status from stripe_event where type = 'customer.subscription.deleted'"
		);
		expect(events).toEqual([{ status: 'processed' }]);
	});
});
