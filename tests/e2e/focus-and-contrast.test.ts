import { expect, test, type Page } from '@playwright/test';
import { canReachPostgres } from './database.ts';
import { chooseAdminLanguage, signInAs } from './staff.ts';

// WCAG 2.2 AA beyond what axe checks: the focus ring and the borders of fields and tiles stand
// out 3:1 from what is around them (1.4.11), and after a failed submit the keyboard and the
// screen reader start at the error summary, not at the top of the page (2.4.3, 3.3.1).

const hasPostgres = await canReachPostgres();

interface Measured {
	what: string;
	ratio: number;
}

/** The contrast of the focused element's ring against the background behind it. */
function focusRingContrast(page: Page): Promise<Measured | null> {
	return page.evaluate(() => {
		const rgb = (colour: string) => {
			const [r, g, b, a = 1] = (colour.match(/[\d.]+/g) ?? []).map(Number);
			return { r, g, b, a };
		};
		const luminance = ({ r, g, b }: { r: number; g: number; b: number }) => {
			const [lr, lg, lb] = [r, g, b].map((v) => {
				const c = v / 255;
				return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
			});
			return 0.2126 * lr + 0.7152 * lg + 0.0722 * lb;
		};
		const backgroundBehind = (element: Element) => {
			for (let at: Element | null = element; at; at = at.parentElement) {
				const colour = rgb(getComputedStyle(at).backgroundColor);
				if (colour.a > 0.5) return colour;
			}
			return { r: 255, g: 255, b: 255, a: 1 };
		};
		const active = document.activeElement;
		// Between the parts of a date field Chromium briefly reports it active but not :focus.
		if (!active || active === document.body || !active.matches(':focus')) return null;
		// A visually hidden radio shows its ring on the tile beside it.
		const ringed = [active, active.nextElementSibling].find(
			(e) => e && getComputedStyle(e).outlineStyle !== 'none'
		);
		if (!ringed) return { what: `${active.tagName}#${active.id} without a focus ring`, ratio: 0 };
		const ring = luminance(rgb(getComputedStyle(ringed).outlineColor));
		const behind = luminance(backgroundBehind(ringed.parentElement ?? ringed));
		const ratio = (Math.max(ring, behind) + 0.05) / (Math.min(ring, behind) + 0.05);
		const name = (ringed.textContent ?? '').trim().slice(0, 30) || ringed.getAttribute('name');
		return { what: `${ringed.tagName} ${name}`, ratio: Math.round(ratio * 100) / 100 };
	});
}

/** Each field's and tile's border against its own background and the one around it. */
function borderContrasts(page: Page): Promise<Measured[]> {
	return page.evaluate(() => {
		const rgb = (colour: string) => {
			const [r, g, b, a = 1] = (colour.match(/[\d.]+/g) ?? []).map(Number);
			return { r, g, b, a };
		};
		const luminance = ({ r, g, b }: { r: number; g: number; b: number }) => {
			const [lr, lg, lb] = [r, g, b].map((v) => {
				const c = v / 255;
				return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
			});
			return 0.2126 * lr + 0.7152 * lg + 0.0722 * lb;
		};
		const contrast = (a: number, b: number) => (Math.max(a, b) + 0.05) / (Math.min(a, b) + 0.05);
		const backgroundOf = (element: Element | null) => {
			for (let at = element; at; at = at.parentElement) {
				const colour = rgb(getComputedStyle(at).backgroundColor);
				if (colour.a > 0.5) return colour;
			}
			return { r: 255, g: 255, b: 255, a: 1 };
		};
		const boxes = document.querySelectorAll<HTMLElement>(
			'input:not([type="hidden"], [type="radio"], [type="checkbox"]), select, textarea, .segmented span, .presets span'
		);
		return [...boxes]
			.filter((box) => box.offsetParent !== null && box.getAttribute('aria-invalid') !== 'true')
			.filter((box) => getComputedStyle(box).borderTopStyle !== 'none')
			.filter((box) => !box.matches('input:checked + span'))
			.map((box) => {
				const border = luminance(rgb(getComputedStyle(box).borderTopColor));
				const inside = luminance(backgroundOf(box));
				const outside = luminance(backgroundOf(box.parentElement));
				const ratio = Math.min(contrast(border, inside), contrast(border, outside));
				return {
					what: `${box.tagName} ${box.getAttribute('name') ?? box.textContent?.trim()}`,
					ratio: Math.round(ratio * 100) / 100
				};
			});
	});
}

async function tabThrough(page: Page, stops: number): Promise<Measured[]> {
	const seen: Measured[] = [];
	for (let i = 0; i < stops; i++) {
		await page.keyboard.press('Tab');
		const measured = await focusRingContrast(page);
		if (measured) seen.push(measured);
	}
	return seen;
}

const underThree = (measured: Measured[]) => measured.filter((m) => m.ratio < 3);

for (const path of ['/', '/my/sign-in', '/admin/sign-in']) {
	test(`the focus ring and the field borders on ${path} reach 3:1`, async ({ page }) => {
		await page.goto(path);
		const rings = await tabThrough(page, 25);
		expect(rings.length).toBeGreaterThan(3);
		expect(underThree(rings)).toEqual([]);
		const borders = await borderContrasts(page);
		expect(borders.length).toBeGreaterThan(0);
		expect(underThree(borders)).toEqual([]);
	});
}

test('the focus ring and the field borders in the admin reach 3:1', async ({ page }) => {
	test.skip(!hasPostgres, 'staff accounts are written into the PostgreSQL the test server uses');
	await signInAs(page, 'staff', { next: '/admin/contributions/new' });
	const rings = await tabThrough(page, 30);
	expect(underThree(rings)).toEqual([]);
	expect(underThree(await borderContrasts(page))).toEqual([]);
	await page.goto('/admin/contributions');
	expect(underThree(await tabThrough(page, 30))).toEqual([]);
});

async function expectSummaryFocused(page: Page, text: string | RegExp) {
	const summary = page.locator('.error-summary');
	await expect(summary).toBeFocused();
	await expect(summary).toHaveAttribute('role', 'alert');
	await expect(summary).toContainText(text);
}

test('after a failed gift on the appeal, focus is on the error summary, which links to the field', async ({
	page
}) => {
	await page.goto('/');
	await page.getByLabel('Other amount').fill('5');
	await page.getByLabel('Email', { exact: true }).fill('laila@');
	await page.getByRole('button', { name: /Give .*by card/ }).click();
	await expectSummaryFocused(page, 'Enter an email address like name@example.com.');
	await page
		.locator('.error-summary')
		.getByRole('link', { name: /email address/ })
		.click();
	await expect(page.getByLabel('Email', { exact: true })).toBeFocused();
	await expect(page.getByRole('form', { name: 'Your gift' })).toBeVisible();
});

test('after a failed request on /my/sign-in, focus is on the error summary', async ({ page }) => {
	await page.goto('/my/sign-in');
	await page.getByLabel('Email').fill('not-an-address');
	await page.getByRole('button', { name: 'Send me a sign-in link' }).click();
	await expectSummaryFocused(page, /.+/);
	await page.locator('.error-summary a').click();
	await expect(page.getByLabel('Email')).toBeFocused();
});

test('after a failed admin sign-in, focus is on the error summary', async ({ page }) => {
	await page.goto('/admin/sign-in');
	await page.getByLabel('Email').fill('nobody@e2e.komak.test');
	await page.getByLabel('Password').fill('not the password');
	await page.getByRole('button', { name: 'Sign in' }).click();
	await expectSummaryFocused(page, /.+/);
});

test('recording a gift in Dari: our own messages, focus on the summary, no stray tab stops', async ({
	page
}) => {
	test.skip(!hasPostgres, 'staff accounts are written into the PostgreSQL the test server uses');
	const suffix = Date.now().toString(36);
	const name = `Zarghuna Noorzai ${suffix}`;
	await signInAs(page, 'staff', { next: '/admin/contributions/new' });
	// A supporter to find later.
	await page.getByLabel('Name', { exact: true }).fill(name);
	await page.getByLabel('Channel').selectOption('bank_transfer');
	await page.getByLabel('Amount').fill('300');
	await page.getByRole('button', { name: 'Record gift' }).click();
	await expect(page.getByRole('status')).toHaveText('The gift is recorded.');

	await chooseAdminLanguage(page, 'fa-AF', '/admin/contributions/new');
	// Nothing filled in: the browser's own (English) bubble would stop this submit.
	await page.locator('form[action="?/record"] button[type="submit"]').click();
	const summary = page.locator('.error-summary');
	await expect(summary).toBeFocused();
	expect(await summary.innerText()).toMatch(/[\u0600-\u06ff]/);
	await summary.locator('a').first().click();
	await expect(page.locator('#supporter-name, #gift-amount, #gift-channel').first()).toBeVisible();

	// Find continues at the matches, and a chosen supporter takes the new one's fields out.
	await page.locator('#find').fill(name);
	await page.locator('#find').press('Enter');
	const match = page.getByRole('radio', { name: new RegExp(name) });
	await expect(match).toBeFocused();
	await match.check();
	await expect(page.locator('.new-supporter')).toHaveAttribute('inert', '');
	await page.keyboard.press('Tab');
	const focusedId = await page.evaluate(() => document.activeElement?.id ?? '');
	expect(['supporter-name', 'supporter-email']).not.toContain(focusedId);
});

test('a table scroll wrapper is a named tab stop only when the table overflows', async ({
	page
}) => {
	test.skip(!hasPostgres, 'staff accounts are written into the PostgreSQL the test server uses');
	await signInAs(page, 'admin', { next: '/admin/staff' });
	const wrapper = page.locator('.table-scroll').first();
	await page.setViewportSize({ width: 1280, height: 800 });
	await page.goto('/admin/staff');
	await expect(wrapper).toHaveAccessibleName(/.+/);
	await expect(wrapper).not.toHaveAttribute('tabindex');
});
