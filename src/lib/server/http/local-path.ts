// Redirect targets that come from outside (`?to=`, `?next=`) may only lead to a path on this site.
// Browsers strip tabs and newlines from a Location and read `\` as `/`, so `/\t/evil.example`
// leaves the site: anything with a control character or a backslash, before or after one more
// round of percent-decoding, is refused rather than cleaned into something else.

const base = 'http://komak.invalid';
// eslint-disable-next-line no-control-regex
const unsafeCharacters = /[\u0000-\u001f\u007f-\u009f\\]/;

function decodedOnceMore(text: string): string | null {
	try {
		return decodeURIComponent(text);
	} catch {
		return null;
	}
}

/**
 * The same-origin path (with its query and fragment) that `target` names, or `fallback` when it
 * is missing, names another site, or holds characters a browser would reinterpret.
 */
export function localPath(target: string | null | undefined, fallback = '/'): string {
	if (!target) return fallback;
	const decoded = decodedOnceMore(target);
	if (decoded === null) return fallback;
	for (const text of [target, decoded]) {
		if (unsafeCharacters.test(text) || !text.startsWith('/') || text.startsWith('//'))
			return fallback;
	}
	const url = new URL(target, base);
	if (url.origin !== base) return fallback;
	return url.pathname + url.search + url.hash;
}
