import { expect, test, type Page } from '@playwright/test';
import { once } from 'node:events';
import http from 'node:http';
import { startCardGivingApp, type CardGivingApp } from './card-app.ts';
import { canReachPostgres } from './database.ts';
import { query } from './processes.ts';
import { createTestStaff, signInWithForm } from './staff.ts';
import { axeViolations, wordsIn } from './words.ts';

// A newsroom's article on another site embeds the appeal with embed.js: a button that opens it in
// a dialog, and the appeal inline in a frame. Two "newsroom" servers run beside the app: one on a
// site staff allowed, one on a site they did not.

const isPostgresReachable = await canReachPostgres();
const base = Number(process.env.E2E_PORT ?? 4301);
const allowedPort = base + 1;
const strangerPort = base + 2;
const appPort = base + 3;
const allowedSite = `http://localhost:${allowedPort}`;
// KOMAK_SCREENSHOTS=1 also writes the article's pictures for docs/embed.md.
const screenshot = async (page: Page, name: string, fullPage = true) => {
	if (process.env.KOMAK_SCREENSHOTS) await page.screenshot({ path: `docs/${name}.png`, fullPage });
};

/** The newsroom's own words, in each language its articles are written in. */
const articleWords = {
	en: {
		title: 'A report from Herat',
		lead: 'Reporting from Kabul, Herat and Oslo, written for readers who cannot read it anywhere else.',
		button: 'Support our reporting',
		more: 'More of the story, and then the appeal in the text.',
		end: 'The end of the story.'
	},
	nb: {
		title: 'Reportasje fra Herat',
		lead: 'Reportasjer fra Kabul, Herat og Oslo, skrevet for lesere som ikke kan lese dem noe annet sted.',
		button: 'Støtt journalistikken vår',
		more: 'Mer av saken, og så innsamlingen i teksten.',
		end: 'Slutten på saken.'
	},
	ps: {
		title: 'له هرات څخه راپور',
		lead: 'له کابل، هرات او اوسلو څخه راپورونه، د هغو لوستونکو لپاره چې بل ځای یې نشي لوستلای.',
		button: 'زموږ د خبریالۍ ملاتړ وکړئ',
		more: 'د کیسې نوره برخه، او بیا په متن کې د مرستې غوښتنه.',
		end: 'د کیسې پای.'
	},
	'fa-AF': {
		title: 'گزارشی از هرات',
		lead: 'گزارش‌هایی از کابل، هرات و اسلو، برای خوانندگانی که آن را جای دیگری نمی‌توانند بخوانند.',
		button: 'از گزارشگری ما حمایت کنید',
		more: 'ادامهٔ داستان، و سپس درخواست کمک در متن.',
		end: 'پایان داستان.'
	}
} as const;
type Locale = keyof typeof articleWords;

/**
 * An article as a newsroom publishes it: its language on <html>, the two embeds in its text (or
 * only the button: `inline` false).
 */
function article(appUrl: string, lang: Locale, inline = true) {
	const dir = lang === 'ps' || lang === 'fa-AF' ? 'rtl' : 'ltr';
	const words = articleWords[lang];
	return `<!doctype html>
<html lang="${lang}" dir="${dir}">
<head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${words.title}</title>
<style>body{font:18px/1.6 Georgia,serif;margin:0;color:#222}main{max-width:40rem;margin:auto;padding:1rem}
.komak{display:inline-block;padding:.6rem 1.2rem;background:#0f4c5c;color:#fff;border-radius:6px;text-decoration:none}</style>
<script src="${appUrl}/embed.js" async></script></head>
<body><main><h1>${words.title}</h1>
<p>${words.lead}</p>
<p><a class="komak" href="${appUrl}/?campaign=year-end&amp;utm_source=article" data-komak>${words.button}</a></p>
<p>${words.more}</p>
${inline ? '<div data-komak-campaign="year-end"></div>' : ''}
<p>${words.end}</p></main></body></html>`;
}

/** Who may frame a page, as its Content-Security-Policy says. */
const frameAncestors = (policy: string | null | undefined) =>
	/frame-ancestors ([^;]*)/.exec(policy ?? '')?.[1];

async function startArticleSite(port: number, appUrl: string) {
	const server = http.createServer((request, response) => {
		const params = new URL(request.url ?? '/', 'http://x').searchParams;
		response.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
		const lang = (params.get('lang') ?? 'en') as Locale;
		response.end(article(appUrl, lang, !params.has('button-only')));
	});
	server.listen(port, 'localhost');
	await once(server, 'listening');
	return server;
}

test.describe('the appeal inside a newsroom article', () => {
	test.skip(!isPostgresReachable, 'needs PostgreSQL');
	test.describe.configure({ mode: 'serial', timeout: 90_000 });

	let card: CardGivingApp;
	const sites: http.Server[] = [];
	test.beforeAll(async () => {
		card = await startCardGivingApp('komak_e2e_embed', { port: appPort });
		sites.push(await startArticleSite(allowedPort, card.app.url));
		sites.push(await startArticleSite(strangerPort, card.app.url));
		await query(
			card.databaseUrl,
			`insert into campaign (slug, name, starts_on, goals, preset_amounts, default_frequency)
			 values ('year-end', 'Year-end drive', current_date, '{"NOK": 1000000}',
			         '{"NOK": [30000, 60000, 120000]}', 'monthly')`
		);
	});
	test.afterAll(async () => {
		for (const site of sites) site.close();
		await card?.stop();
	});

	test('no site may frame the appeal until staff list it in settings', async ({ page }) => {
		const headersOf = async (path: string) => (await fetch(`${card.app.url}${path}`)).headers;
		const before = await headersOf('/embed/year-end?check=before');
		expect(before.get('x-frame-options')).toBe('DENY');
		expect(frameAncestors(before.get('content-security-policy'))).toBe("'none'");

		const staff = await createTestStaff('admin', { databaseUrl: card.databaseUrl });
		await signInWithForm(page, staff, '/admin/settings', card.app.url);
		const field = page.getByLabel('Allowed sites');
		await field.fill('news.example.org, http://news.example.org');
		await page.getByRole('button', { name: 'Save' }).click();
		await expect(page.locator('#embedOrigins-error')).toHaveText(
			'Write each site as https:// and its name only, such as https://news.example.org, with nothing after the name (http:// only for localhost).'
		);
		await expect(field).toHaveAttribute('aria-invalid', 'true');
		await field.fill(`https://news.example.org/, ${allowedSite}`);
		await page.getByRole('button', { name: 'Save' }).click();
		await expect(page.getByRole('status')).toContainText('Settings saved.');
		await expect(field).toHaveValue(`https://news.example.org, ${allowedSite}`);

		const after = await headersOf('/embed/year-end?check=after');
		expect(after.get('x-frame-options')).toBeNull();
		expect(frameAncestors(after.get('content-security-policy'))).toBe(
			`https://news.example.org ${allowedSite}`
		);
		// Every other page still refuses every frame.
		const appeal = await headersOf('/?check=after');
		expect(appeal.get('x-frame-options')).toBe('DENY');
		expect(frameAncestors(appeal.get('content-security-policy'))).toBe("'none'");
		const script = await fetch(`${card.app.url}/embed.js`, {
			headers: { 'accept-encoding': 'br' }
		});
		expect(script.headers.get('content-type')).toContain('javascript');
		expect(script.headers.get('set-cookie')).toBeNull();
		expect(script.headers.get('cache-control')).toContain('max-age=3600');
	});

	test('a reader gives NOK 300 a month in the inline appeal; the gift credits the campaign and the article', async ({
		page
	}) => {
		await page.setViewportSize({ width: 1280, height: 900 });
		await page.goto(`${allowedSite}/2026/story?lang=en`);
		const frameElement = page.locator('[data-komak-campaign] iframe');
		await expect(frameElement).toHaveAttribute('title', 'Give to Dawat Media Center');
		const frame = page.frameLocator('[data-komak-campaign] iframe');
		await expect(frame.getByRole('heading', { level: 1 })).toBeVisible();
		// embed.js sizes the frame to the appeal: no scrollbar inside the article.
		await expect
			.poll(async () => {
				const inner = await frame
					.locator('html')
					.evaluate((html) => html.scrollHeight - innerHeight);
				return inner <= 1;
			})
			.toBe(true);
		expect((await frameElement.boundingBox())!.height).toBeGreaterThan(500);
		await expect(frame.locator('input[name=frequency][value=monthly]')).toBeChecked();
		await expect(
			frame.getByRole('region', { name: 'How far the campaign has come' })
		).toBeVisible();
		await screenshot(page, 'embed-en-desktop');

		await frame.locator('input[name=amount_NOK][value="300"]').check();
		await frame.locator('#name').fill('Reader of the Article');
		await frame.locator('#email').fill('reader@example.org');
		await expect(frame.locator('form.donate button[type=submit]').first()).toHaveText(
			'Give NOK 300 a month by card'
		);
		await frame.locator('form.donate button[type=submit]').first().click();
		// Stripe Checkout refuses frames: the whole window goes to it.
		await expect(page).toHaveURL(new RegExp(`^${card.fake.url}`));
		await page.getByRole('button', { name: 'Pay' }).click();
		await expect(page).toHaveURL(/\/thank-you\?session_id=cs_/);
		await expect(page.getByRole('link', { name: 'Back to the article' })).toHaveAttribute(
			'href',
			`${allowedSite}/2026/story`
		);

		await expect
			.poll(async () => (await query(card.databaseUrl, 'select 1 from contribution')).length)
			.toBe(1);
		expect(
			await query(
				card.databaseUrl,
				`select c.amount_minor, c.currency, c.kind, c.source_page, campaign.slug
				 from contribution c join campaign on campaign.id = c.campaign_id`
			)
		).toEqual([
			{
				amount_minor: '30000',
				currency: 'NOK',
				kind: 'monthly',
				source_page: `${allowedSite}/2026/story`,
				slug: 'year-end'
			}
		]);
	});

	test('the button opens the appeal in a dialog that traps focus, closes with Esc and gives focus back', async ({
		page
	}) => {
		await page.setViewportSize({ width: 1280, height: 900 });
		await page.goto(`${allowedSite}/2026/story?lang=en`);
		const button = page.getByRole('button', { name: 'Support our reporting' });
		await button.click();
		const dialog = page.getByRole('dialog', { name: 'Support our reporting' });
		await expect(dialog).toBeVisible();
		const frame = dialog.frameLocator('iframe');
		await expect(frame.getByRole('heading', { level: 1 })).toBeVisible();
		// The rest of the article is out of reach while the dialog is open.
		await expect(dialog.getByRole('button', { name: 'Close' })).toBeFocused();
		const isFocusInDialog = () =>
			page.evaluate(() => document.activeElement?.closest('dialog') !== null);
		await page.keyboard.press('Tab');
		expect(await isFocusInDialog()).toBe(true);
		await expect(dialog.locator('iframe')).toBeFocused();
		await dialog.getByRole('button', { name: 'Close' }).focus();
		await page.keyboard.press('Shift+Tab');
		expect(await isFocusInDialog()).toBe(true);
		await expect(dialog.locator('iframe')).toBeFocused();
		await page.keyboard.press('Escape');
		await expect(dialog).toBeHidden();
		await expect(button).toBeFocused();
		// Space opens it too, as on any button; the close button closes it.
		await page.keyboard.press('Space');
		await expect(dialog).toBeVisible();
		await dialog.getByRole('button', { name: 'Close' }).click();
		await expect(dialog).toBeHidden();
	});

	test('on a phone the button opens the whole appeal in a new tab, crediting the article', async ({
		page
	}) => {
		await page.setViewportSize({ width: 390, height: 844 });
		await page.goto(`${allowedSite}/2026/story?lang=fa-AF`);
		const [tab] = await Promise.all([
			page.context().waitForEvent('page'),
			page.getByRole('button', { name: articleWords['fa-AF'].button }).click()
		]);
		await tab.waitForLoadState();
		const url = new URL(tab.url());
		expect(url.origin).toBe(card.app.url);
		expect(url.searchParams.get('campaign')).toBe('year-end');
		expect(url.searchParams.get('source')).toBe(`${allowedSite}/2026/story`);
		await expect(tab.locator('html')).toHaveAttribute('lang', 'fa-AF');
		await expect(tab.locator('input[name=source_page]')).toHaveValue(`${allowedSite}/2026/story`);
		await tab.close();
	});

	for (const locale of Object.keys(articleWords) as Locale[]) {
		test(`the inline appeal and the dialog speak ${locale} and pass axe`, async ({ page }) => {
			const words = wordsIn(locale);
			await page.setViewportSize({ width: 1280, height: 900 });
			await page.goto(`${allowedSite}/2026/story?lang=${locale}`);
			const frame = page.frameLocator('[data-komak-campaign] iframe');
			await expect(frame.locator('html')).toHaveAttribute('lang', locale);
			await expect(frame.locator('html')).toHaveAttribute(
				'dir',
				locale === 'ps' || locale === 'fa-AF' ? 'rtl' : 'ltr'
			);
			await expect(frame.getByRole('link', { name: words.embed_other_ways() })).toBeVisible();
			expect(await axeViolations(page), 'axe on the article with the inline appeal').toEqual([]);
			if (locale === 'fa-AF') {
				await page.setViewportSize({ width: 390, height: 844 });
				await page.waitForLoadState('networkidle');
				await screenshot(page, 'embed-fa-AF-phone');
				await page.setViewportSize({ width: 1280, height: 900 });
			}

			// The dialog, on an article with only the button (two copies of the appeal on one page
			// would name their landmarks alike).
			await page.goto(`${allowedSite}/2026/story?lang=${locale}&button-only`);
			await page.getByRole('button', { name: articleWords[locale].button }).click();
			const dialog = page.getByRole('dialog', { name: articleWords[locale].button });
			await expect(dialog).toHaveAttribute(
				'dir',
				locale === 'ps' || locale === 'fa-AF' ? 'rtl' : 'ltr'
			);
			await expect(dialog.getByRole('button', { name: words.embed_close() })).toBeVisible();
			await expect(dialog.locator('iframe')).toHaveAttribute(
				'title',
				words.embed_frame_title({ organisation: 'Dawat Media Center' })
			);
			await expect(dialog.frameLocator('iframe').locator('html')).toHaveAttribute('lang', locale);
			await expect(dialog.frameLocator('iframe').locator('form.donate')).toBeVisible();
			expect(await axeViolations(page), 'axe on the open dialog').toEqual([]);
			if (locale === 'fa-AF') await screenshot(page, 'embed-dialog-fa-AF-desktop', false);
		});
	}

	test('without JavaScript, a mistake shows the appeal with its messages in the whole window, in the article language, still crediting it', async ({
		browser
	}) => {
		const context = await browser.newContext({ javaScriptEnabled: false });
		const page = await context.newPage();
		const source = `${allowedSite}/2026/story`;
		await page.goto(
			`${card.app.url}/embed/year-end?lang=fa-AF&source=${encodeURIComponent(source)}`
		);
		const form = page.locator('form.donate');
		await expect(form).toHaveAttribute('target', '_top');
		await form.locator('button[type=submit]').first().click();
		await expect(page.locator('#name-error')).toHaveText(wordsIn('fa-AF').error_name_required());
		await expect(page.locator('html')).toHaveAttribute('lang', 'fa-AF');
		await expect(page.locator('input[name=source_page]')).toHaveValue(source);
		await expect(page.locator('input[name=campaign]')).toHaveValue('year-end');
		await context.close();
	});

	test('a site that is not in the list cannot frame the appeal', async ({ page }) => {
		const embedResponse = page.waitForResponse((response) =>
			response.url().startsWith(`${card.app.url}/embed/year-end`)
		);
		await page.goto(`http://localhost:${strangerPort}/2026/story?lang=en`);
		const response = await embedResponse;
		const policy = (await response.allHeaders())['content-security-policy'];
		expect(frameAncestors(policy)).toBe(`https://news.example.org ${allowedSite}`);
		// The browser shows its own refusal in the frame, never the appeal.
		const frame = page.frames().find((f) => f !== page.mainFrame())!;
		await expect.poll(() => frame.url()).toMatch(/^chrome-error:/);
		expect(await frame.locator('form.donate').count()).toBe(0);
	});
});
