import bidiFactory from 'bidi-js';

// The Unicode bidirectional algorithm (bidi-js) for one line of a PDF: PDF has no text direction,
// so a line is drawn as pieces, left to right, each piece one direction.

const bidi = bidiFactory();

/** Direction marks and isolates steer the algorithm but have no glyph of their own. */
const invisibleControls = /[\u200e\u200f\u202a-\u202e\u2066-\u2069\u061c]/g;

export interface VisualRun {
	/** The piece's characters in reading order, mirrored ("(" ↔ ")") where it runs right to left. */
	text: string;
	isRightToLeft: boolean;
}

/**
 * The pieces of one line in the order they stand from left to right on the page. Each piece keeps
 * its text in reading order, so Arabic letters can be joined (shaped) before they are laid out.
 */
export function visualRuns(line: string, direction: 'ltr' | 'rtl'): VisualRun[] {
	if (line === '') return [];
	const embedding = bidi.getEmbeddingLevels(line, direction);
	const { levels } = embedding;
	const order = Array.from({ length: line.length }, (_, i) => i);
	for (const [start, end] of bidi.getReorderSegments(line, embedding)) {
		const reversed = order.slice(start, end + 1).reverse();
		order.splice(start, reversed.length, ...reversed);
	}
	const mirrored = bidi.getMirroredCharactersMap(line, levels);

	const runs: VisualRun[] = [];
	let first = 0;
	while (first < order.length) {
		const level = levels[order[first]];
		const step = level % 2 === 1 ? -1 : 1;
		let last = first;
		while (
			last + 1 < order.length &&
			levels[order[last + 1]] === level &&
			order[last + 1] === order[last] + step
		)
			last++;
		const from = Math.min(order[first], order[last]);
		const to = Math.max(order[first], order[last]);
		let text = '';
		for (let i = from; i <= to; i++) text += mirrored.get(i) ?? line[i];
		text = text.replace(invisibleControls, '');
		if (text) runs.push({ text, isRightToLeft: step === -1 });
		first = last + 1;
	}
	return runs;
}
