import { isLocale } from '$lib/locales';
import { baseLocale, overwriteGetLocale } from '$lib/paraglide/runtime';

// The server decides the language (on /admin the signed-in staff member's own; elsewhere the
// cookie, else Accept-Language) and writes it on <html lang>; the browser follows it, so a first
// visit needs no cookie, hydration never switches language, and the browser never writes the
// appeal's language cookie itself.
overwriteGetLocale(() => {
	const lang = document.documentElement.lang;
	return isLocale(lang) ? lang : baseLocale;
});
