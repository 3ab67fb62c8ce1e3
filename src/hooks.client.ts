import { defineCustomClientStrategy } from '$lib/paraglide/runtime';

// The server decides the language (cookie, else Accept-Language) and writes it on <html lang>;
// the browser follows it, so a first visit needs no cookie and hydration never switches language.
defineCustomClientStrategy('custom-pageLanguage', {
	getLocale: () => document.documentElement.lang || undefined,
	setLocale: () => {}
});
