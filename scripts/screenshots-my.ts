// node scripts/screenshots-my.ts [outDir] — screenshots of "My giving" (/my) for docs/: the
// sign-in form, the gift list and a monthly gift's page, in Dari on a phone and in English on a
// desktop. Builds its own world: a fresh PostgreSQL database (TEST_DATABASE_URL's server), the
// Stripe fake and the built app (npm run build first), with a monthly giver and a few gifts.
import { chromium } from '@playwright/test';
import { chromiumLaunchOptions } from '../tests/chromium.ts';
import { freePort, freshDatabase, query, startApp } from '../tests/e2e/processes.ts';
import { startStripeFake } from '../tests/stripe-fake/server.ts';

const outDir = process.argv[2] ?? 'docs/screenshots';
const apiKey = 'sk_test_screenshots';
const webhookSecret = 'whsec_screenshots';
const email = 'mina.rahimi@example.org';

const databaseUrl = await freshDatabase('komak_my_screenshots');
const port = await freePort();
const fake = await startStripeFake({
	apiKey,
	webhookUrl: `http://localhost:${port}/webhooks/stripe`,
	webhookSecret
});
const app = await startApp(
	{
		DATABASE_URL: databaseUrl,
		STRIPE_SECRET_KEY: apiKey,
		STRIPE_API_URL: fake.url,
		STRIPE_WEBHOOK_SECRET: webhookSecret,
		LOG_LEVEL: 'warn'
	},
	port
);

/** A gift through the appeal's form and the fake's checkout page, as a supporter makes it. */
async function give(fields: Record<string, string>) {
	const response = await fetch(`${app.url}/?/give`, {
		method: 'POST',
		headers: { origin: app.url, 'x-sveltekit-action': 'true', cookie: 'PARAGLIDE_LOCALE=fa-AF' },
		body: new URLSearchParams({
			frequency: 'one_off',
			currency: 'NOK',
			name: 'Mina Rahimi',
			email,
			...fields
		})
	});
	const { location } = (await response.json()) as { location: string };
	await fake.completeCheckout(new URL(location).pathname.split('/').at(-1)!);
}

const browser = await chromium.launch(chromiumLaunchOptions);
try {
	await give({ frequency: 'monthly', amount_NOK: '200' });
	const [subscription] = fake.objects.subscriptions.values();
	await fake.payNextInvoice(subscription.id, { succeed: true });
	await give({ amount_NOK: '500' });
	await query(
		databaseUrl,
		`insert into contribution (supporter_id, channel, kind, amount_minor, currency, status,
			received_at, external_reference)
		select id, 'bank_transfer', 'one_off', 100000, 'NOK', 'succeeded', '2025-12-20', 'DNB-1'
		from supporter where email = $1`,
		[email]
	);
	await query(
		databaseUrl,
		`update contribution set receipt_number = nextval('receipt_number_seq') where channel = 'card'`
	);
	await query(databaseUrl, 'update organisation set tax_report_enabled = true');

	for (const [locale, name, width, height] of [
		['fa-AF', 'fa-AF-phone', 390, 844],
		['en', 'en-desktop', 1280, 900]
	] as const) {
		const context = await browser.newContext({ viewport: { width, height } });
		const page = await context.newPage();
		const shoot = (what: string) =>
			page.screenshot({ path: `${outDir}/my-${what}-${name}.png`, fullPage: true });
		await page.goto(`${app.url}/language/${locale}?to=/my`);
		await shoot('sign-in');
		await page.locator('input[name=email]').fill(email);
		await page.locator('form button[type=submit]').click();
		await page.locator('[role=status] .notice').waitFor();
		const [message] = await query<{ text_body: string }>(
			databaseUrl,
			`select text_body from email_message where kind = 'sign_in_link'
			order by created_at desc limit 1`
		);
		await page.goto(/http:\/\/\S+token=[a-z2-7]+/.exec(message.text_body)![0]);
		await page.locator('form button[type=submit]').click();
		await page.waitForURL(/\/my$/);
		await shoot('gifts');
		await page.locator('a[href^="/my/plans/"]').first().click();
		await page.waitForURL(/\/my\/plans\//);
		await shoot('plan');
		await context.close();
	}
} finally {
	await browser.close();
	await app.stop();
	await fake.close();
}
