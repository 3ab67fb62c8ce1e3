// PostgreSQL refuses two things any outside text can carry: the NUL character (in text and
// jsonb alike) and, in jsonb, a lone UTF-16 surrogate. Text from forms, imports and payment
// providers passes through here where it enters, so nothing downstream can fail to store it.

// eslint-disable-next-line no-control-regex
const nul = /\u0000/g;

/** `text` without NUL characters, with lone surrogates replaced by U+FFFD. */
export function storableText(text: string): string {
	return text.replace(nul, '').toWellFormed();
}

/** A parsed JSON value with every string (and key) made storable; other values as they are. */
export function storableJson<T>(value: T): T {
	if (typeof value === 'string') return storableText(value) as T;
	if (Array.isArray(value)) return value.map(storableJson) as T;
	if (value && typeof value === 'object') {
		const result: Record<string, unknown> = {};
		for (const [key, item] of Object.entries(value)) result[storableText(key)] = storableJson(item);
		return result as T;
	}
	return value;
}

// A `\u0000` escape, or one of a surrogate half, anywhere in a JSON text: rare enough that a
// document without one is stored exactly as it came.
const suspiciousEscape = /\\u(0000|d[89a-f])/i;

/** The JSON text itself when PostgreSQL can store it as jsonb, else the same data made storable. */
export function storableJsonText(json: string): string {
	if (!suspiciousEscape.test(json)) return json;
	return JSON.stringify(storableJson(JSON.parse(json)));
}
