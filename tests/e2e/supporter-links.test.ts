import { expect, test } from '@playwright/test';
import { startCardGivingApp, submitGift, type CardGivingApp } from './card-app.ts';
import { canReachPostgres } from './database.ts';
import { query } from './processes.ts';

const isPostgresReachable = await canReachPostgres();
// The app of these tests listens on a port of its own (E2E_LINKS_PORT), or any free one.
const appPort = Number(process.env.E2E_LINKS_PORT ?? 0) || undefined;

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

test.describe('links that bring a giver to their own page', () => {
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
});
