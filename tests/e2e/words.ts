import AxeBuilder from '@axe-core/playwright';
import { expect, type Page } from '@playwright/test';
import { m } from '../../src/lib/paraglide/messages.js';

// What a page says in words, for tests that a page is wholly in one language, fits the screen
// and passes axe.

/**
 * Every word of Latin script a reader (or a screen reader) meets on the page: its text, the
 * title, the names and hints in attributes, the chosen option of each list and the text typed
 * into fields, less the `allowed` strings (names, emails and references the test typed itself).
 */
export async function latinWords(page: Page, allowed: string[]): Promise<string[]> {
	const texts = await page.evaluate(() => {
		const found: string[] = [document.title];
		const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
		for (let node = walker.nextNode(); node; node = walker.nextNode()) {
			const parent = node.parentElement;
			if (!parent || parent.closest('script, style, template, noscript')) continue;
			// Hidden by display or by a closed <details>: not met. Visually hidden text is.
			if (!parent.checkVisibility()) continue;
			if (parent.closest('select') && !(parent as HTMLOptionElement).selected) continue;
			found.push(node.textContent ?? '');
		}
		for (const element of document.body.querySelectorAll<HTMLElement>('*')) {
			if (!element.checkVisibility()) continue;
			for (const name of ['aria-label', 'aria-description', 'title', 'alt', 'placeholder']) {
				const value = element.getAttribute(name);
				if (value) found.push(value);
			}
			// What a field shows: typed text, or a button's words (a box's value is never shown).
			if (element instanceof HTMLInputElement && !/^(hidden|checkbox|radio)$/.test(element.type)) {
				found.push(element.value);
			}
		}
		return found;
	});
	const byLength = [...allowed].sort((a, b) => b.length - a.length);
	const words: string[] = [];
	for (let text of texts) {
		for (const name of byLength) text = text.split(name).join(' ');
		for (const word of text.match(/[A-Za-z][A-Za-z'’-]*/g) ?? []) words.push(word);
	}
	return [...new Set(words)];
}

/** The page's width beyond the viewport's, in px (0 when nothing is wider). */
export async function overflowWidth(page: Page): Promise<number> {
	return page.evaluate(
		() => Math.max(document.documentElement.scrollWidth, document.body.scrollWidth) - innerWidth
	);
}

export async function axeViolations(page: Page): Promise<string[]> {
	// axe cannot run inside a sandboxed frame (an outbox message's own document: no scripts
	// there) and waits for it until the test times out; it checks the page around it.
	const results = await new AxeBuilder({ page }).exclude('iframe[sandbox]').analyze();
	return results.violations.map(
		(violation) => `${violation.id}: ${violation.nodes.map((node) => node.target).join(', ')}`
	);
}

/** One step of a walk-through: no Latin words but the allowed, nothing too wide, axe clean. */
export async function expectWhollyIn(page: Page, step: string, allowed: string[]) {
	await page.waitForLoadState('networkidle');
	expect(await latinWords(page, allowed), `Latin-script words on ${step}`).toEqual([]);
	expect(await overflowWidth(page), `px wider than the screen on ${step}`).toBeLessThanOrEqual(0);
	expect(await axeViolations(page), `axe on ${step}`).toEqual([]);
}

type Messages = typeof m;
type Inputs<K extends keyof Messages> = Parameters<Messages[K]>[0];

/** The app's own messages in one language, to find what a page in it says: `dari.admin_sign_out()`. */
export function wordsIn(locale: 'en' | 'nb' | 'ps' | 'fa-AF') {
	return new Proxy({} as { [K in keyof Messages]: (inputs?: Inputs<K>) => string }, {
		get:
			(_, key: string) =>
			(inputs = {}) =>
				(m[key as keyof Messages] as (inputs: object, options: object) => string)(inputs, {
					locale
				})
	});
}
