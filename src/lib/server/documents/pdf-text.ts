import { createRequire } from 'node:module';
import PDFDocument from 'pdfkit';
import { visualRuns } from './bidi-runs.ts';

// Text on a PDF page in any of Komak's languages. pdfkit embeds the font and fontkit shapes it
// (Arabic letters joined as they are in writing); line order, direction and wrapping are done
// here, because PDF pages know nothing of right-to-left.
//
// Vazirmatn (SIL Open Font License 1.1) covers Latin with æøå and Arabic script with every Pashto
// and Dari letter, so one font serves all four languages.

const require = createRequire(import.meta.url);
const fontFiles = {
	regular: require.resolve('vazirmatn/fonts/ttf/Vazirmatn-Regular.ttf'),
	bold: require.resolve('vazirmatn/fonts/ttf/Vazirmatn-Bold.ttf')
};
export type FontWeight = keyof typeof fontFiles;

type Direction = 'ltr' | 'rtl';

// Passing feature options makes pdfkit hand a whole piece to fontkit at once, instead of word by
// word, so a right-to-left piece is shaped and turned as one.
const wholeRun: PDFKit.Mixins.TextOptions = { features: [], lineBreak: false };

/** fontkit turns a piece right to left when its first letter or digit is of a right-to-left script. */
const firstScriptCharacter = /[^\p{Script=Common}\p{Script=Inherited}]/u;
function fontkitTurnsRightToLeft(text: string): boolean {
	const first = text.match(firstScriptCharacter)?.[0];
	return first !== undefined && /[\p{Script=Arabic}\p{Script=Hebrew}]/u.test(first);
}

/** The text to give pdfkit so the glyphs come out in the piece's direction. */
function textForDirection(text: string, isRightToLeft: boolean): string {
	// Only pieces without joining letters are ever turned here: Eastern Arabic digits in a
	// left-to-right piece, or punctuation alone in a right-to-left one.
	return isRightToLeft === fontkitTurnsRightToLeft(text) ? text : [...text].reverse().join('');
}

export function createDocument(options: { title: string; locale: string }): PDFKit.PDFDocument {
	const doc = new PDFDocument({
		size: 'A4',
		margin: 56,
		lang: options.locale,
		info: { Title: options.title, Creator: 'Komak' },
		displayTitle: true,
		// Page numbers ("page 1 of 3") are drawn once every page exists.
		bufferPages: true
	});
	doc.registerFont('regular', fontFiles.regular);
	doc.registerFont('bold', fontFiles.bold);
	doc.font('regular');
	return doc;
}

export interface TextStyle {
	weight?: FontWeight;
	size?: number;
	color?: string;
}

function applyStyle(doc: PDFKit.PDFDocument, style: TextStyle) {
	doc
		.font(style.weight ?? 'regular')
		.fontSize(style.size ?? 10)
		.fillColor(style.color ?? '#1d1d1b');
}

export function textWidth(doc: PDFKit.PDFDocument, text: string, style: TextStyle = {}): number {
	applyStyle(doc, style);
	return visualRuns(text, 'ltr').reduce(
		(sum, run) => sum + doc.widthOfString(run.text, wholeRun),
		0
	);
}

export interface LineBox extends TextStyle {
	x: number;
	y: number;
	width: number;
	direction: Direction;
	/** Where the line sits in its box: at its start (left in English, right in Dari) or end. */
	align?: 'start' | 'end' | 'center';
}

/** One line of text, without wrapping, placed in its box by the line's direction. */
export function drawLine(doc: PDFKit.PDFDocument, text: string, box: LineBox): void {
	applyStyle(doc, box);
	const runs = visualRuns(text.trim(), box.direction).map((run) => ({
		text: textForDirection(run.text, run.isRightToLeft),
		width: doc.widthOfString(run.text, wholeRun)
	}));
	const width = runs.reduce((sum, run) => sum + run.width, 0);
	const align = box.align ?? 'start';
	const startsLeft = (align === 'start') === (box.direction === 'ltr');
	let x =
		align === 'center'
			? box.x + (box.width - width) / 2
			: startsLeft
				? box.x
				: box.x + box.width - width;
	for (const run of runs) {
		doc.text(run.text, x, box.y, wholeRun);
		x += run.width;
	}
}

/** Lines of at most `width` points, broken between words. */
export function wrapText(
	doc: PDFKit.PDFDocument,
	text: string,
	width: number,
	style: TextStyle = {}
): string[] {
	const lines: string[] = [];
	for (const paragraph of text.split('\n')) {
		let line = '';
		for (const word of paragraph.split(/\s+/).filter(Boolean)) {
			const candidate = line ? `${line} ${word}` : word;
			if (line && textWidth(doc, candidate, style) > width) {
				lines.push(line);
				line = word;
			} else line = candidate;
		}
		lines.push(line);
	}
	return lines;
}

/** A paragraph wrapped to its box; returns the y below it. */
export function drawParagraph(
	doc: PDFKit.PDFDocument,
	text: string,
	box: LineBox & { lineHeight?: number }
): number {
	const size = box.size ?? 10;
	const lineHeight = box.lineHeight ?? size * 1.6;
	let y = box.y;
	for (const line of wrapText(doc, text, box.width, box)) {
		drawLine(doc, line, { ...box, y });
		y += lineHeight;
	}
	return y;
}
