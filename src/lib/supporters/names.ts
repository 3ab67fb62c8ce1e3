// Names as people write them. Banks print payers in capitals ("OYVIND BERG", "AHMADI LAILA");
// a supporter record keeps the natural case ("Oyvind Berg"), never the bank's shouting.

const lowerParticles = new Set(['van', 'von', 'der', 'den', 'de', 'da', 'di', 'la', 'le', 'du']);

function capitalise(word: string): string {
	return word.charAt(0).toLocaleUpperCase('nb') + word.slice(1);
}

/**
 * A name in natural case when it was written all in capitals or all in small letters; a name with
 * both ("Laila McKay") is left as its owner wrote it. Hyphenated and apostrophe parts each get
 * their capital: "ANNE-MARIE O'NEILL" → "Anne-Marie O'Neill".
 */
export function naturalCaseName(name: string): string {
	const trimmed = name.replace(/\s+/g, ' ').trim();
	const hasUpper = /\p{Lu}/u.test(trimmed);
	const hasLower = /\p{Ll}/u.test(trimmed);
	if (hasUpper && hasLower) return trimmed;
	return trimmed
		.toLocaleLowerCase('nb')
		.split(' ')
		.map((word, i) =>
			i > 0 && lowerParticles.has(word)
				? word
				: word.replace(
						/(^|[-'’])(\p{Ll})/gu,
						(_, before: string, letter: string) => before + capitalise(letter)
					)
		)
		.join(' ');
}
