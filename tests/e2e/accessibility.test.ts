import AxeBuilder from '@axe-core/playwright';
import { expect, test } from '@playwright/test';

for (const locale of ['en', 'nb', 'ps', 'fa-AF']) {
	for (const width of [390, 1280]) {
		test(`axe finds no violations on / in ${locale} at ${width}px`, async ({ page }) => {
			await page.setViewportSize({ width, height: 900 });
			await page.goto(`/language/${locale}?to=/`);
			await expect(page.locator('html')).toHaveAttribute('lang', locale);
			const results = await new AxeBuilder({ page }).analyze();
			expect(
				results.violations.map((v) => `${v.id}: ${v.nodes.map((n) => n.target).join(', ')}`)
			).toEqual([]);
		});
	}
}
