import { expect, test } from '@playwright/test';
import { canReachPostgres } from './database.ts';
import { submitGift, useCardGivingApp } from './card-app.ts';
import { query } from './processes.ts';

const isPostgresReachable = await canReachPostgres();

// A monthly giver's walk through "My giving" on a phone, in Dari: the sign-in link from the
// outbox, then each change, which the page shows once Stripe's (the fake's) event reaches the app.
test.describe('My giving', () => {
	test.skip(!isPostgresReachable, 'needs PostgreSQL');
	const card = useCardGivingApp('komak_my_e2e');

	test('a monthly giver in Dari changes the amount, pauses, resumes and stops their gift', async ({
		browser
	}) => {
		test.setTimeout(60_000);
		const { app, fake, databaseUrl } = card();
		const email = 'mina.rahimi@example.org';
		const gift = await submitGift(card(), {
			frequency: 'monthly',
			amount_NOK: '200',
			name: 'Mina Rahimi',
			email
		});
		await fake.completeCheckout(new URL(gift.location!).pathname.split('/').at(-1)!);

		const context = await browser.newContext({ viewport: { width: 390, height: 844 } });
		const page = await context.newPage();
		await page.goto(`${app.url}/language/fa-AF?to=/my`);
		await expect(page.locator('html')).toHaveAttribute('dir', 'rtl');
		await page.getByLabel('آدرس ایمیل شما').fill(email);
		await page.getByRole('button', { name: 'لینک ورود را برایم بفرستید' }).click();
		await expect(page.getByRole('status')).toContainText('لطفاً ایمیل خود را ببینید.');

		const [message] = await query<{ text_body: string }>(
			databaseUrl,
			"select text_body from email_message where kind = 'sign_in_link' and to_address = $1",
			[email]
		);
		const link = /http:\/\/\S+\/my\/sign-in\?token=[a-z2-7]+/.exec(message.text_body)![0];
		await page.goto(link);
		await page.getByRole('button', { name: 'ادامه' }).click();
		await expect(page.getByRole('heading', { level: 1 })).toHaveText('کمک‌های من');
		// Another giver's monthly gift is not there for this supporter, to read or to change.
		const other = await submitGift(card(), {
			frequency: 'monthly',
			amount_NOK: '300',
			name: 'Farid',
			email: 'farid@example.org'
		});
		await fake.completeCheckout(new URL(other.location!).pathname.split('/').at(-1)!);
		const [{ id: otherPlan }] = await query<{ id: string }>(
			databaseUrl,
			"select p.id from recurring_plan p join supporter s on s.id = p.supporter_id where s.email = 'farid@example.org'"
		);
		expect((await page.request.get(`${app.url}/my/plans/${otherPlan}`)).status()).toBe(404);
		const pause = await page.request.post(`${app.url}/my/plans/${otherPlan}?/pause`, {
			headers: { origin: app.url },
			form: {}
		});
		expect(pause.status()).toBe(404);
		// Their own receipt and statement download as PDFs; the other giver's receipt does not.
		const gifts = await query<{ id: string; email: string; year: number }>(
			databaseUrl,
			`select c.id, s.email, extract(year from c.received_at at time zone 'Europe/Oslo')::int as year
			from contribution c join supporter s on s.id = c.supporter_id`
		);
		const own = gifts.find((g) => g.email === email)!;
		const others = gifts.find((g) => g.email !== email)!;
		const receipt = await page.request.get(`${app.url}/my/receipts/${own.id}`);
		expect(receipt.headers()['content-type']).toBe('application/pdf');
		expect((await receipt.body()).subarray(0, 5).toString()).toBe('%PDF-');
		expect((await page.request.get(`${app.url}/my/receipts/${others.id}`)).status()).toBe(404);
		const statement = await page.request.get(`${app.url}/my/statements/${own.year}`);
		expect(statement.headers()['content-type']).toBe('application/pdf');
		expect((await page.request.get(`${app.url}/my/statements/1999`)).status()).toBe(404);

		await page.getByRole('link', { name: /تغییر یا توقف موقت/ }).click();

		await page.getByLabel('مبلغ تازه در هر ماه').fill('۲۵۰');
		await page.getByRole('button', { name: 'تغییر مبلغ' }).click();
		await expect(page.getByText(/^انجام شد: کمک شما از پرداخت بعدی/)).toBeVisible();

		await page.getByRole('button', { name: 'توقف موقت کمک من' }).click();
		await expect(page.getByText(/^انجام شد: کمک ماهوار شما موقتاً متوقف شد/)).toBeVisible();

		await page.getByRole('button', { name: 'آغاز دوباره کمک من' }).click();
		await expect(page.getByText(/^انجام شد: کمک ماهوار شما دوباره آغاز شد/)).toBeVisible();

		await page.getByRole('link', { name: 'پایان دادن به کمک ماهوار من…' }).click();
		await page.getByLabel('می‌خواهید دلیلش را به ما بگویید؟ (اختیاری)').fill('سفر طولانی');
		await page.getByRole('button', { name: 'بلی، کمک ماهوار مرا پایان دهید' }).click();
		await expect(page.getByText('کمک ماهوار شما پایان یافت.', { exact: false })).toBeVisible();

		const plans = await query(
			databaseUrl,
			'select p.status, p.amount_minor, p.cancellation_comment from recurring_plan p join supporter s on s.id = p.supporter_id where s.email = $1',
			[email]
		);
		expect(plans).toEqual([
			{ status: 'canceled', amount_minor: '25000', cancellation_comment: 'سفر طولانی' }
		]);
		const [{ status: otherStatus }] = await query<{ status: string }>(
			databaseUrl,
			'select status from recurring_plan where id = $1',
			[otherPlan]
		);
		expect(otherStatus).toBe('active');
		await context.close();
	});
});
