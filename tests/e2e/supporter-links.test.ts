import { expect, test } from '@playwright/test';
import QRCode from 'qrcode';
import { startCardGivingApp, submitGift, type CardGivingApp } from './card-app.ts';
import { canReachPostgres } from './database.ts';
import { query } from './processes.ts';
import { createTestStaff, signInWithForm } from './staff.ts';

const isPostgresReachable = await canReachPostgres();
// The app of these tests listens on a port of its own (E2E_LINKS_PORT), or any free one.
const appPort = Number(process.env.E2E_LINKS_PORT ?? 0) || undefined;

/** The link of the first receipt to an address, once the app's mail worker has queued it. */
async function receiptLink(card: CardGivingApp, to: string) {
	const receipt = await waitForEmail(card, 'receipt', to);
	return /(http:\/\/\S+\/my\/sign-in\?token=[a-z2-7]{32})$/m.exec(receipt)![1];
}

/** The first email of a kind to an address, once the app's mail worker has queued it. */
async function waitForEmail(card: CardGivingApp, kind: string, to: string) {
	let body: string | undefined;
	await expect
		.poll(
			async () => {
				const rows = await query<{ text_body: string }>(
					card.databaseUrl,
					'select text_body from email_message where kind = $1 and to_address = $2',
					[kind, to]
				);
				body = rows[0]?.text_body;
				return Boolean(body);
			},
			{ timeout: 20_000 }
		)
		.toBe(true);
	return body!;
}

test.describe('links: to the appeal with choices made, and to a giver’s own page', () => {
	test.skip(!isPostgresReachable, 'needs PostgreSQL');
	test.describe.configure({ mode: 'serial', timeout: 60_000 });

	let card: CardGivingApp;
	test.beforeAll(async () => {
		card = await startCardGivingApp('komak_e2e_supporter_links', { port: appPort });
	});
	test.afterAll(async () => {
		await card?.stop();
	});

	test('the link in a receipt opens My giving once, then is refused with a way to ask for a new one', async ({
		page
	}) => {
		const email = 'sahar.link@example.org';
		const gift = await submitGift(card, {
			frequency: 'monthly',
			amount_NOK: '250',
			name: 'Sahar Link',
			email
		});
		const sessionId = new URL(gift.location!).pathname.split('/').at(-1)!;
		await card.fake.completeCheckout(sessionId);

		// The thank-you page shows the way to the giver's own page.
		await page.goto(`${card.app.url}/thank-you?session_id=${sessionId}`);
		await page
			.getByRole('link', { name: 'See your gifts and receipts, or change a monthly gift' })
			.click();
		await expect(page).toHaveURL(`${card.app.url}/my`);

		const receipt = await waitForEmail(card, 'receipt', email);
		const link = /See or change your giving: (\S+)/.exec(receipt)![1];
		expect(link).toMatch(/\/my\/sign-in\?token=[a-z2-7]{32}$/);

		await page.goto(link);
		await page.getByRole('button', { name: 'Continue' }).click();
		await expect(page.getByRole('heading', { level: 1 })).toHaveText('My giving');
		await expect(page.getByText(email)).toBeVisible();

		// The same link again, from another browser that has no session: refused, plainly.
		const stranger = await page.context().browser()!.newContext();
		const other = await stranger.newPage();
		await other.goto(link);
		await expect(other.getByRole('heading', { level: 1 })).toHaveText('This link cannot be used');
		await expect(other.getByRole('alert')).toHaveText(
			'This sign-in link has already been used. Each link works only once.'
		);
		await expect(other.getByRole('heading', { name: 'Ask for a new sign-in link' })).toBeVisible();
		await other.getByLabel('Your email address').fill(email);
		await other.getByRole('button', { name: 'Send me a sign-in link' }).click();
		await expect(other.getByRole('status')).toContainText('Please check your email.');
		await stranger.close();
	});

	test('the appeal leads a monthly giver to their page', async ({ page }) => {
		await page.goto(card.app.url);
		await page.getByRole('link', { name: 'Already giving monthly? Manage your gift' }).click();
		await expect(page).toHaveURL(`${card.app.url}/my`);
	});

	test('consent given on the appeal is kept with its words and time; withdrawn on My giving, staff see it and the "may be contacted" list leaves the giver out', async ({
		browser
	}) => {
		const email = 'ingrid.samtykke@example.no';
		// A bokmål reader gives and ticks the box (the form as a browser without scripts sends it).
		const before = Date.now();
		const response = await fetch(`${card.app.url}/?/give`, {
			method: 'POST',
			headers: {
				origin: card.app.url,
				'x-sveltekit-action': 'true',
				cookie: 'PARAGLIDE_LOCALE=nb'
			},
			body: new URLSearchParams({
				frequency: 'one_off',
				currency: 'NOK',
				amount_NOK: '150',
				name: 'Ingrid Samtykke',
				email,
				contact_consent: 'on'
			})
		});
		const { location } = (await response.json()) as { location: string };
		await card.fake.completeCheckout(new URL(location).pathname.split('/').at(-1)!);
		let consent: Record<string, unknown> | undefined;
		await expect
			.poll(async () => {
				[consent] = await query(
					card.databaseUrl,
					`select has_contact_consent, contact_consent_wording, contact_consent_source,
					extract(epoch from contact_consent_at) * 1000 as at_ms from supporter where email = $1`,
					[email]
				);
				return consent?.has_contact_consent;
			})
			.toBe(true);
		expect(consent).toMatchObject({
			contact_consent_wording: 'Fortell meg om journalistikken og innsamlingene deres på e-post',
			contact_consent_source: 'appeal'
		});
		expect(Number(consent!.at_ms)).toBeGreaterThanOrEqual(before - 1000);
		expect(Number(consent!.at_ms)).toBeLessThanOrEqual(Date.now() + 1000);

		// Staff list those who may be contacted (the export takes the same filter): the giver is there.
		const staff = await createTestStaff('admin', { databaseUrl: card.databaseUrl });
		const staffContext = await browser.newContext();
		const staffPage = await staffContext.newPage();
		await signInWithForm(staffPage, staff, '/admin', card.app.url);
		await staffPage.goto(`${card.app.url}/admin/supporters`);
		await staffPage.getByLabel('May be contacted').selectOption({ label: 'Yes' });
		await staffPage.getByRole('button', { name: 'Apply filters' }).click();
		await expect(staffPage).toHaveURL(/contact=yes/);
		const contactable = staffPage.getByRole('link', { name: 'Ingrid Samtykke' });
		await expect(contactable).toBeVisible();

		// The giver withdraws on My giving, in a browser with scripts off; once signed in, the pages
		// speak bokmål, the giver's language, and ask with the words the appeal showed.
		const giverContext = await browser.newContext({ javaScriptEnabled: false });
		const giver = await giverContext.newPage();
		await giver.goto(await receiptLink(card, email));
		await giver.getByRole('button', { name: 'Continue' }).click();
		const box = giver.getByLabel('Fortell meg om journalistikken og innsamlingene deres på e-post');
		await expect(box).toBeChecked();
		await box.uncheck();
		await giver.getByRole('button', { name: 'Lagre valget mitt' }).click();
		await expect(giver.getByRole('status').filter({ hasText: 'Lagret.' })).toHaveText(
			'Lagret. Vi sender deg ikke e-post om journalistikken og innsamlingene våre.'
		);
		await expect(box).not.toBeChecked();
		await giverContext.close();

		// Staff see it on the supporter's page, and the "may be contacted" exports leave them out.
		const [{ id }] = await query<{ id: string }>(
			card.databaseUrl,
			'select id from supporter where email = $1',
			[email]
		);
		await staffPage.goto(`${card.app.url}/admin/supporters/${id}`);
		await expect(staffPage.getByText('Has not agreed to be contacted.')).toBeVisible();
		await expect(staffPage.getByText(/^Withdrew consent on My giving on /)).toBeVisible();
		await staffPage.goBack();
		await staffPage.reload();
		await expect(staffPage).toHaveURL(/contact=yes/);
		await expect(contactable).toHaveCount(0);
		await staffContext.close();
	});

	test('staff build a campaign link with amount, currency and frequency; it opens the appeal so, and its QR code is of that link', async ({
		page
	}) => {
		const [{ id }] = await query<{ id: string }>(
			card.databaseUrl,
			`insert into campaign (slug, name, starts_on) values ('spring-drive', 'Spring drive', current_date)
			returning id`
		);
		const staff = await createTestStaff('staff', { databaseUrl: card.databaseUrl });
		await signInWithForm(page, staff, `/admin/campaigns/${id}`, card.app.url);
		await page.getByLabel('Amount', { exact: true }).fill('seventy');
		await page.getByRole('button', { name: 'Make the link' }).click();
		await expect(page.locator('#amount-error')).toHaveText('Write an amount, e.g. 300.');

		await page.getByLabel('Amount', { exact: true }).fill('70');
		await page.getByLabel('Currency').selectOption('EUR');
		await page.getByLabel('Frequency').selectOption({ label: 'Monthly' });
		await page.getByLabel('Source (utm_source)').fill('newsletter');
		await page.getByRole('button', { name: 'Make the link' }).click();
		const link = `${card.app.url}/c/spring-drive?amount=70&currency=EUR&frequency=monthly&utm_source=newsletter`;
		await expect(page.getByLabel('The link')).toHaveValue(link);
		await expect(page.getByRole('img', { name: `QR code for ${link}` })).toBeVisible();

		// The QR code (for print and for video) is of exactly that link.
		const choices = new URL(link).search;
		const svg = await page.request.get(`${card.app.url}/admin/campaigns/${id}/qr.svg${choices}`);
		expect(svg.headers()['content-type']).toContain('image/svg+xml');
		expect(await svg.text()).toBe(
			await QRCode.toString(link, { type: 'svg', errorCorrectionLevel: 'M', margin: 4 })
		);
		const png = await page.request.get(`${card.app.url}/admin/campaigns/${id}/qr.png${choices}`);
		expect(png.headers()['content-disposition']).toBe('attachment; filename="spring-drive-qr.png"');
		expect(
			Buffer.from(await png.body()).equals(
				await QRCode.toBuffer(link, {
					type: 'png',
					errorCorrectionLevel: 'M',
					margin: 4,
					width: 1080
				})
			)
		).toBe(true);

		// The link opens the campaign's appeal with those choices made.
		await page.goto(link);
		await expect(page).toHaveURL(/campaign=spring-drive/);
		await expect(page.getByRole('radio', { name: 'Monthly' })).toBeChecked();
		await expect(page.locator('input[name=currency][value=EUR]')).toBeChecked();
		await expect(page.getByLabel('Other amount')).toHaveValue('70');
	});
});
