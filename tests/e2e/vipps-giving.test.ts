import AxeBuilder from '@axe-core/playwright';
import { expect, test } from '@playwright/test';
import { fakeCredentials, startVippsFake, type VippsFake } from '../vipps-fake/server.ts';
import { signedHeaders } from '../vipps-fake/signing.ts';
import { canReachPostgres } from './database.ts';
import { once } from 'node:events';
import type net from 'node:net';
import {
	freePort,
	freshDatabase,
	query,
	startApp,
	startRelay,
	type AppProcess
} from './processes.ts';

// Giving with Vipps through the appeal and the Vipps fake's landing page, JavaScript on and off;
// the gift is recorded from Vipps's signed webhook, never from the return to /thank-you.

const isPostgresReachable = await canReachPostgres();

test.describe('giving with Vipps', () => {
	test.skip(!isPostgresReachable, 'needs PostgreSQL');
	test.describe.configure({ mode: 'serial' });

	let fake: VippsFake;
	let app: AppProcess;
	let databaseUrl: string;

	const vippsEnv = () => ({
		VIPPS_CLIENT_ID: fakeCredentials.clientId,
		VIPPS_CLIENT_SECRET: fakeCredentials.clientSecret,
		VIPPS_SUBSCRIPTION_KEY: fakeCredentials.subscriptionKey,
		VIPPS_MERCHANT_SERIAL_NUMBER: fakeCredentials.merchantSerialNumber,
		VIPPS_API_URL: fake.url
	});

	test.beforeAll(async () => {
		databaseUrl = await freshDatabase('komak_e2e_vipps_giving');
		fake = await startVippsFake();
		app = await startApp({ DATABASE_URL: databaseUrl, ...vippsEnv() }, await freePort());
		// The app registers its webhook with Vipps as it starts.
		await expect
			.poll(() => [...fake.webhooks.values()].map((w) => w.url))
			.toEqual([`${app.url}/webhooks/vipps`]);
		// The newsroom's site may frame the appeal, so a gift begun in its article leads back there.
		await query(
			databaseUrl,
			`update organisation set embed_origins = '{https://news.example.org}', updated_at = now()`
		);
		let check = 0;
		await expect
			.poll(
				async () =>
					(await fetch(`${app.url}/embed?check=${++check}`)).headers.get('content-security-policy'),
				{ timeout: 15_000 }
			)
			.toContain('frame-ancestors https://news.example.org');
	});

	const article = 'https://news.example.org/2026/herat-story';

	test.afterAll(async () => {
		await app?.stop();
		await fake?.close();
	});

	/** Another instance of the site (the same public address) on the same database. */
	const startInstance = (env: Record<string, string> = {}) =>
		startApp({ DATABASE_URL: databaseUrl, ...vippsEnv(), ORIGIN: app.url, ...env });

	/** Gives through the form as a script would, and approves in Vipps while webhooks are held. */
	async function approvedWithoutWebhooks(email: string, amount = '300') {
		fake.setWebhookDelivery(false);
		const response = await fetch(`${app.url}/?/vipps`, {
			method: 'POST',
			headers: { origin: app.url, 'x-sveltekit-action': 'true' },
			body: new URLSearchParams({
				frequency: 'one_off',
				currency: 'NOK',
				amount_NOK: amount,
				name: 'Test Giver',
				email
			})
		});
		const result = (await response.json()) as { type: string; location: string };
		expect(result.type).toBe('redirect');
		const token = new URL(result.location).searchParams.get('token');
		const payment = [...fake.payments.values()].find((p) => p.token === token)!;
		await fake.approve(payment.reference);
		fake.setWebhookDelivery(true);
		return fake.events.filter((e) => e.body.reference === payment.reference);
	}

	const giftsOf = (email: string) =>
		query<Record<string, unknown>>(
			databaseUrl,
			`select c.channel, c.kind, c.amount_minor, c.currency, c.status, c.dedication
			 from contribution c join supporter s on s.id = c.supporter_id where lower(s.email) = $1`,
			[email]
		);

	/** The payment whose landing page the reader is on at the fake. */
	const paymentAtVipps = (page: import('@playwright/test').Page) =>
		[...fake.payments.values()].find((p) => page.url().includes(p.token))!;

	/** Starts a NOK 200 one-off gift on the appeal and returns the payment now waiting at Vipps. */
	async function startVippsGift(
		page: import('@playwright/test').Page,
		email: string,
		appeal = '/'
	) {
		await page.goto(`${app.url}/language/en?to=/`);
		if (appeal !== '/') await page.goto(`${app.url}${appeal}`);
		await page.getByRole('radio', { name: 'One-off' }).check();
		await page.getByRole('radio', { name: 'NOK', exact: true }).check();
		await page.getByLabel('Other amount').fill('200');
		await page.getByLabel('Your name').fill('Laila Ahmadi');
		await page.getByLabel('Email', { exact: true }).fill(email);
		await page.getByLabel('Dedication or message (optional)').fill('For the Kabul desk');
		await page.getByRole('button', { name: 'Give with Vipps' }).click();
		await expect(page.getByRole('heading', { name: 'Vipps (fake)' })).toBeVisible();
		await expect(page.getByText('200,00 kr')).toBeVisible();
		return paymentAtVipps(page);
	}

	for (const javaScriptEnabled of [true, false]) {
		const js = javaScriptEnabled ? 'on' : 'off';

		test(`a supporter gives NOK 200 once with Vipps, JavaScript ${js}`, async ({ browser }) => {
			const context = await browser.newContext({ javaScriptEnabled });
			const page = await context.newPage();
			const email = `laila.vipps.${js}@example.no`;
			// Begun in an article on the newsroom's site (as embed.js opens it on a phone).
			await startVippsGift(page, email, `/?source=${encodeURIComponent(article)}`);
			expect(await giftsOf(email)).toEqual([]); // nothing until Vipps reports it

			await page.getByLabel('Phone number').fill('91234567');
			await page.getByRole('button', { name: 'Approve' }).click();

			await expect(page).toHaveURL(/\/thank-you\?vipps=komak-/);
			await expect(page.getByRole('heading', { level: 1 })).toHaveText(
				'Thank you! Your gift has been received'
			);
			await expect(page.getByRole('main')).toContainText('We have received your gift of NOK 200.');
			await expect(page.getByRole('link', { name: 'Back to the article' })).toHaveAttribute(
				'href',
				article
			);
			if (javaScriptEnabled)
				expect((await new AxeBuilder({ page }).analyze()).violations).toEqual([]);

			await expect
				.poll(() => giftsOf(email))
				.toEqual([
					{
						channel: 'vipps',
						kind: 'one_off',
						amount_minor: '20000',
						currency: 'NOK',
						status: 'succeeded',
						dedication: 'For the Kabul desk'
					}
				]);
			await context.close();
		});

		test(`a payment rejected in Vipps records nothing, JavaScript ${js}`, async ({ browser }) => {
			const context = await browser.newContext({ javaScriptEnabled });
			const page = await context.newPage();
			const email = `rejected.vipps.${js}@example.no`;
			await startVippsGift(page, email);
			await page.getByRole('button', { name: 'Reject' }).click();

			await expect(page).toHaveURL(/\/thank-you\?vipps=komak-/);
			await expect(page.getByRole('heading', { level: 1 })).toHaveText(
				'Your gift was not completed'
			);
			await expect(page.getByRole('link', { name: 'Try again' })).toBeVisible();
			expect(await giftsOf(email)).toEqual([]);
			await context.close();
		});
	}

	test('a payment left to expire in Vipps records nothing, and coming back says it was not completed', async ({
		page
	}) => {
		const email = 'expired.vipps@example.no';
		const payment = await startVippsGift(page, email);
		// The supporter never answers in the app; Vipps lets the payment expire and says so.
		await fake.expire(payment.reference);
		await expect
			.poll(async () =>
				query(databaseUrl, 'select status from vipps_event where reference = $1 and name = $2', [
					payment.reference,
					'EXPIRED'
				])
			)
			.toEqual([{ status: 'processed' }]);
		await page.goto(payment.returnUrl);
		await expect(page.getByRole('heading', { level: 1 })).toHaveText('Your gift was not completed');
		await expect(page.getByRole('link', { name: 'Try again' })).toBeVisible();
		expect(await giftsOf(email)).toEqual([]);
	});

	test('coming back before approving shows Vipps has not confirmed yet, then the gift once it has', async ({
		page
	}) => {
		const email = 'early.vipps@example.no';
		const payment = await startVippsGift(page, email);
		await page.goto(payment.returnUrl); // the supporter leaves the landing page for the site
		await expect(page.getByRole('heading', { level: 1 })).toHaveText('Waiting for Vipps');
		expect(await giftsOf(email)).toEqual([]);

		await fake.approve(payment.reference);
		await page.getByRole('link', { name: 'Check again' }).click();
		await expect(page.getByRole('heading', { level: 1 })).toHaveText(
			'Thank you! Your gift has been received'
		);
		await expect.poll(() => giftsOf(email)).toHaveLength(1);
	});

	test('the Vipps button shows only for gifts in NOK', async ({ page }) => {
		await page.goto(`${app.url}/language/en?to=/`);
		await page.getByRole('radio', { name: 'NOK', exact: true }).check();
		await page.getByRole('radio', { name: 'One-off' }).check();
		await expect(page.getByRole('button', { name: 'Give with Vipps' })).toBeVisible();
		await page.getByRole('radio', { name: 'Monthly' }).check();
		await expect(page.getByRole('button', { name: 'Give with Vipps' })).toBeVisible();
		await page.getByRole('radio', { name: 'EUR', exact: true }).check();
		await expect(page.getByRole('button', { name: 'Give with Vipps' })).toBeHidden();
	});

	for (const javaScriptEnabled of [true, false]) {
		const js = javaScriptEnabled ? 'on' : 'off';

		test(`a supporter gives NOK 150 a month with Vipps, JavaScript ${js}`, async ({ browser }) => {
			const context = await browser.newContext({ javaScriptEnabled });
			const page = await context.newPage();
			const email = `monthly.vipps.${js}@example.no`;
			await page.goto(`${app.url}/language/en?to=/`);
			await page.getByRole('radio', { name: 'Monthly' }).check();
			await page.getByRole('radio', { name: 'NOK', exact: true }).check();
			await page.getByLabel('Other amount').fill('150');
			await page.getByLabel('Your name').fill('Mina Sadat');
			await page.getByLabel('Email', { exact: true }).fill(email);
			await page.getByRole('button', { name: 'Give with Vipps' }).click();
			await expect(page.getByRole('heading', { name: 'Vipps (fake)' })).toBeVisible();
			await expect(page.getByText('150,00 kr', { exact: true })).toBeVisible();
			expect(await giftsOf(email)).toEqual([]);

			await page.getByRole('button', { name: 'Approve' }).click();
			await expect(page).toHaveURL(/\/thank-you\?vipps=komak-/);
			await expect(page.getByRole('heading', { level: 1 })).toHaveText(
				'Thank you! Your gift has been received'
			);
			await expect(page.getByRole('main')).toContainText('Your monthly gift of NOK 150');

			await expect
				.poll(() => giftsOf(email))
				.toEqual([
					{
						channel: 'vipps',
						kind: 'monthly',
						amount_minor: '15000',
						currency: 'NOK',
						status: 'succeeded',
						dedication: ''
					}
				]);
			const plans = await query(
				databaseUrl,
				`select p.channel, p.status, p.amount_minor from recurring_plan p
				 join supporter s on s.id = p.supporter_id where lower(s.email) = $1`,
				[email]
			);
			expect(plans).toEqual([{ channel: 'vipps', status: 'active', amount_minor: '15000' }]);
			await context.close();
		});
	}

	const agreementIdOf = async (email: string) =>
		(
			await query<{ agreement_id: string }>(
				databaseUrl,
				'select agreement_id from vipps_agreement where email = $1',
				[email]
			)
		)[0].agreement_id;

	/** Signs in on /my through the emailed link, reading the page's words in `locale`. */
	async function signInOnMy(
		page: import('@playwright/test').Page,
		email: string,
		locale: string,
		words: { emailLabel: string; send: string; sent: string; continue: string; heading: string }
	) {
		await page.goto(`${app.url}/language/${locale}?to=/my`);
		await page.waitForLoadState('networkidle');
		await page.getByLabel(words.emailLabel).fill(email);
		await page.getByRole('button', { name: words.send }).click();
		await expect(page.getByText(words.sent)).toBeVisible();
		const [message] = await query<{ text_body: string }>(
			databaseUrl,
			"select text_body from email_message where kind = 'sign_in_link' and to_address = $1",
			[email]
		);
		await page.goto(/http:\/\/\S+\/my\/sign-in\?token=[a-z2-7]+/.exec(message.text_body)![0]);
		await page.getByRole('button', { name: words.continue }).click();
		await expect(page.getByRole('heading', { level: 1 })).toHaveText(words.heading);
	}

	test('a Vipps monthly giver in Dari changes the amount on /my, then stops the agreement', async ({
		browser
	}) => {
		// The monthly giver from above (JavaScript on): NOK 150 a month, approved up to NOK 300.
		const email = 'monthly.vipps.on@example.no';
		const agreementId = await agreementIdOf(email);
		const context = await browser.newContext({ viewport: { width: 390, height: 844 } });
		const page = await context.newPage();
		await signInOnMy(page, email, 'fa-AF', {
			emailLabel: 'آدرس ایمیل شما',
			send: 'لینک ورود را برایم بفرستید',
			sent: 'لطفاً ایمیل خود را ببینید.',
			continue: 'ادامه',
			heading: 'کمک‌های من'
		});

		await page.getByRole('link', { name: /تغییر یا پایان دادن/ }).click();
		await page.waitForLoadState('networkidle');
		// Vipps has no pause, and the card is the supporter's to change in Vipps.
		await expect(page.getByRole('button', { name: 'توقف موقت کمک من' })).toHaveCount(0);

		// More than the supporter approved in Vipps: said next to the field, nothing changes.
		await page.getByLabel('مبلغ تازه در هر ماه').fill('۵۰۰');
		await page.getByRole('button', { name: 'تغییر مبلغ' }).click();
		await expect(page.locator('#amount-error')).toContainText('در Vipps');
		await expect(page.getByLabel('مبلغ تازه در هر ماه')).toHaveAttribute('aria-invalid', 'true');
		expect(fake.agreements.get(agreementId)!.pricing.suggestedMaxAmount).toBe(30000);

		await page.getByLabel('مبلغ تازه در هر ماه').fill('۲۰۰');
		await page.getByRole('button', { name: 'تغییر مبلغ' }).click();
		await expect(page.getByText(/^انجام شد: کمک شما از پرداخت بعدی/)).toBeVisible();
		// Vipps now suggests twice the new amount as the monthly maximum.
		expect(fake.agreements.get(agreementId)!.pricing.suggestedMaxAmount).toBe(40000);

		await page.getByRole('link', { name: 'پایان دادن به کمک ماهوار من…' }).click();
		await page.waitForLoadState('networkidle');
		await page.getByRole('button', { name: 'بلی، کمک ماهوار مرا پایان دهید' }).click();
		await expect(page.getByText('کمک ماهوار شما پایان یافت.', { exact: false })).toBeVisible();
		expect(fake.agreements.get(agreementId)!.status).toBe('STOPPED');

		const records = await query(
			databaseUrl,
			`select p.status, p.amount_minor, a.status agreement_status, a.amount_minor agreement_amount
			 from recurring_plan p join vipps_agreement a on a.agreement_id = p.external_id
			 where a.agreement_id = $1`,
			[agreementId]
		);
		expect(records).toEqual([
			{
				status: 'canceled',
				amount_minor: '20000',
				agreement_status: 'STOPPED',
				agreement_amount: '20000'
			}
		]);
		await context.close();
	});

	test('with JavaScript off, a Vipps monthly giver changes the amount on /my, then stops the agreement', async ({
		browser
	}) => {
		// The monthly giver from above (JavaScript off): NOK 150 a month, approved up to NOK 300.
		const email = 'monthly.vipps.off@example.no';
		const agreementId = await agreementIdOf(email);
		const context = await browser.newContext({ javaScriptEnabled: false });
		const page = await context.newPage();
		await signInOnMy(page, email, 'en', {
			emailLabel: 'Your email address',
			send: 'Send me a sign-in link',
			sent: 'Please check your email.',
			continue: 'Continue',
			heading: 'My giving'
		});

		await page.getByRole('link', { name: /Change or stop/ }).click();
		await expect(page.getByRole('button', { name: 'Pause my gift' })).toHaveCount(0);

		// More than approved in Vipps: said beside the field after a full page load.
		const amount = page.getByLabel('New amount each month');
		await amount.fill('400');
		await page.getByRole('button', { name: 'Change the amount' }).click();
		await expect(page.locator('#amount-error')).toContainText(
			/In Vipps you approved at most .*300.* a month/
		);
		await expect(amount).toHaveAttribute('aria-invalid', 'true');
		await expect(amount).toHaveValue('400');
		expect(fake.agreements.get(agreementId)!.pricing.suggestedMaxAmount).toBe(30000);

		await amount.fill('250');
		await page.getByRole('button', { name: 'Change the amount' }).click();
		await expect(page.getByText(/^Done: your gift is now NOK.250 a month/)).toBeVisible();
		expect(fake.agreements.get(agreementId)!.pricing.suggestedMaxAmount).toBe(50000);

		await page.getByRole('link', { name: 'Stop my monthly gift…' }).click();
		await page.getByRole('button', { name: 'Yes, stop my monthly gift' }).click();
		await expect(page.getByText('Your monthly gift has ended.', { exact: false })).toBeVisible();
		expect(fake.agreements.get(agreementId)!.status).toBe('STOPPED');

		const records = await query(
			databaseUrl,
			`select p.status, p.amount_minor, a.status agreement_status
			 from recurring_plan p join vipps_agreement a on a.agreement_id = p.external_id
			 where a.agreement_id = $1`,
			[agreementId]
		);
		expect(records).toEqual([
			{ status: 'canceled', amount_minor: '25000', agreement_status: 'STOPPED' }
		]);
		await context.close();
	});

	test('the webhook refuses forged and stale deliveries over HTTP and stores nothing', async () => {
		const [payment] = [...fake.payments.values()];
		const body = JSON.stringify({
			msn: fakeCredentials.merchantSerialNumber,
			reference: payment.reference,
			pspReference: '1234567890',
			name: 'REFUNDED',
			amount: { currency: 'NOK', value: 20000 },
			timestamp: new Date().toISOString(),
			idempotencyKey: null,
			success: true
		});
		const url = `${app.url}/webhooks/vipps`;
		const [webhook] = [...fake.webhooks.values()];
		const forged = signedHeaders(url, 'not-the-secret', body);
		const stale = signedHeaders(url, webhook.secret, body, new Date(Date.now() - 10 * 60_000));
		for (const headers of [forged, stale, { 'content-type': 'application/json' }]) {
			const response = await fetch(url, { method: 'POST', headers, body });
			expect(response.status).toBe(401);
		}
		const stored = await query(databaseUrl, `select id from vipps_event where name = 'REFUNDED'`);
		expect(stored).toEqual([]);
		const fresh = signedHeaders(url, webhook.secret, body);
		expect((await fetch(url, { method: 'POST', headers: fresh, body })).status).toBe(200);
	});

	test('every event five times, shuffled, to two instances at once gives one gift', async () => {
		const second = await startInstance();
		try {
			const events = await approvedWithoutWebhooks('twice.vipps@example.no');
			const deliveries = Array.from({ length: 5 }, () => events)
				.flat()
				.sort(() => Math.random() - 0.5);
			const statuses = await Promise.all(
				deliveries.map((event, i) =>
					fake.deliver(event, `${i % 2 ? second.url : app.url}/webhooks/vipps`)
				)
			);
			expect(statuses.flat()).toEqual(Array(deliveries.length).fill(200));
			// Stored at once; each instance's event worker applies them right after.
			await expect
				.poll(() =>
					query(databaseUrl, `select count(*)::int n from vipps_event where status <> 'processed'`)
				)
				.toEqual([{ n: 0 }]);
			expect(await giftsOf('twice.vipps@example.no')).toMatchObject([
				{ channel: 'vipps', amount_minor: '30000', status: 'succeeded' }
			]);
		} finally {
			await second.stop();
		}
	});

	test('while the database is away the webhook answers 5xx, and Vipps’s retry then succeeds', async () => {
		const target = new URL(databaseUrl);
		let relay = startRelay(target);
		relay.server.listen(0, '127.0.0.1');
		await once(relay.server, 'listening');
		const relayPort = (relay.server.address() as net.AddressInfo).port;
		const relayed = new URL(databaseUrl);
		relayed.host = `127.0.0.1:${relayPort}`;
		let flaky: AppProcess | undefined;
		try {
			flaky = await startInstance({ DATABASE_URL: relayed.toString() });
			const events = await approvedWithoutWebhooks('outage.vipps@example.no');
			const authorized = events.find((e) => e.body.name === 'AUTHORIZED')!;
			const to = `${flaky.url}/webhooks/vipps`;

			relay.cut();
			const [during] = await fake.deliver(authorized, to);
			expect(during).toBeGreaterThanOrEqual(500);
			expect(await giftsOf('outage.vipps@example.no')).toEqual([]);

			relay = startRelay(target);
			relay.server.listen(relayPort, '127.0.0.1');
			await once(relay.server, 'listening');
			await expect
				.poll(async () => (await fake.deliver(authorized, to))[0], { timeout: 10_000 })
				.toBe(200);
			await expect
				.poll(() => giftsOf('outage.vipps@example.no'))
				.toMatchObject([{ channel: 'vipps', amount_minor: '30000', status: 'succeeded' }]);
		} finally {
			await flaky?.stop();
			relay.cut();
		}
	});
});
