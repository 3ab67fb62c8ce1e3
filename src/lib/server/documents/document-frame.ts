import { intlLocale, textDirection, type Locale } from '../../locales.ts';
import { formatDate } from '../../dates.ts';
import { m } from '../../paraglide/messages.js';
import { drawLine, drawParagraph, wrapText, createDocument, type TextStyle } from './pdf-text.ts';
import { leftToRight } from './labels.ts';

// What every Komak PDF has: the organisation at the top, a title, rows of facts or a table that
// may run over several pages, and the date and page numbers at the foot. Positions are measured
// from the start of the line, so a right-to-left document is the mirror of a left-to-right one.

export interface Organisation {
	name: string;
	contactEmail: string;
	organisationNumber: string;
	/** Where gifts by bank transfer go; '' when none is set. */
	bankAccountNumber: string;
}

const MARGIN = 56;
const PAGE_WIDTH = 595.28;
const PAGE_HEIGHT = 841.89;
const FOOTER_Y = PAGE_HEIGHT - 40;
const MUTED = '#5b5b57';
const RULE = '#d9d9d4';

export class DocumentFrame {
	readonly doc: PDFKit.PDFDocument;
	readonly locale: Locale;
	readonly direction: 'ltr' | 'rtl';
	readonly width = PAGE_WIDTH - 2 * MARGIN;
	y = MARGIN;

	constructor(options: { title: string; locale: Locale }) {
		this.locale = options.locale;
		this.direction = textDirection(options.locale);
		this.doc = createDocument({ title: options.title, locale: options.locale });
	}

	/** The x of a box `width` wide that starts `offset` from the start of the line. */
	x(offset: number, width: number): number {
		return this.direction === 'ltr' ? MARGIN + offset : MARGIN + this.width - offset - width;
	}

	line(
		text: string,
		style: TextStyle & { offset?: number; width?: number; align?: 'start' | 'end' | 'center' } = {}
	) {
		const width = style.width ?? this.width - (style.offset ?? 0);
		drawLine(this.doc, text, {
			...style,
			x: this.x(style.offset ?? 0, width),
			y: this.y,
			width,
			direction: this.direction
		});
	}

	paragraph(text: string, style: TextStyle = {}) {
		this.ensureRoom((style.size ?? 10) * 1.6 * wrapText(this.doc, text, this.width, style).length);
		this.y = drawParagraph(this.doc, text, {
			...style,
			x: MARGIN,
			y: this.y,
			width: this.width,
			direction: this.direction
		});
	}

	rule(color = RULE) {
		this.doc
			.moveTo(MARGIN, this.y)
			.lineTo(MARGIN + this.width, this.y)
			.lineWidth(0.7)
			.strokeColor(color)
			.stroke();
	}

	gap(points: number) {
		this.y += points;
	}

	/** A new page when fewer than `points` are left above the footer. */
	ensureRoom(points: number): boolean {
		if (this.y + points <= FOOTER_Y - 24) return false;
		this.doc.addPage();
		this.y = MARGIN;
		return true;
	}

	/** The organisation's name and details, then the document's title. */
	header(organisation: Organisation, title: string) {
		this.line(organisation.name, { weight: 'bold', size: 15 });
		this.gap(22);
		const details = [
			organisation.contactEmail
				? m.documents_contact(
						{ email: leftToRight(organisation.contactEmail) },
						{ locale: this.locale }
					)
				: '',
			organisation.organisationNumber
				? m.documents_organisation_number(
						{ number: leftToRight(organisation.organisationNumber) },
						{ locale: this.locale }
					)
				: ''
		].filter(Boolean);
		for (const detail of details) {
			this.line(detail, { size: 9, color: MUTED });
			this.gap(14);
		}
		this.gap(8);
		this.rule();
		this.gap(22);
		this.line(title, { weight: 'bold', size: 19 });
		this.gap(38);
	}

	/** Label and value pairs, one under the other. */
	facts(rows: [string, string][]) {
		const labelWidth = 150;
		for (const [label, value] of rows) {
			const lines = wrapText(this.doc, value, this.width - labelWidth, {
				weight: 'bold',
				size: 11
			});
			this.ensureRoom(lines.length * 17 + 8);
			this.line(label, { size: 10, color: MUTED, width: labelWidth });
			for (const text of lines) {
				this.line(text, { weight: 'bold', size: 11, offset: labelWidth });
				this.gap(17);
			}
			this.gap(6);
		}
	}

	/**
	 * A table whose columns are given as shares of the width; numbers sit at the end of their
	 * column. The header row is repeated on every page the table runs onto.
	 */
	table(columns: { label: string; share: number; isNumber?: boolean }[], rows: string[][]) {
		const total = columns.reduce((sum, c) => sum + c.share, 0);
		const boxes: { offset: number; width: number; align: 'start' | 'end' }[] = [];
		let offset = 0;
		for (const column of columns) {
			const width = (column.share / total) * this.width;
			boxes.push({ offset, width: width - 8, align: column.isNumber ? 'end' : 'start' });
			offset += width;
		}
		const header = () => {
			columns.forEach((column, i) =>
				this.line(column.label, { ...boxes[i], size: 9, weight: 'bold', color: MUTED })
			);
			this.gap(16);
			this.rule('#8f8f8a');
			this.gap(7);
		};
		header();
		const lineHeight = 13;
		for (const row of rows) {
			const cells = row.map((cell, i) => wrapText(this.doc, cell, boxes[i].width, { size: 10 }));
			const height = Math.max(...cells.map((lines) => lines.length)) * lineHeight;
			if (this.ensureRoom(height + 8)) header();
			const top = this.y;
			cells.forEach((lines, i) =>
				lines.forEach((text, n) => {
					this.y = top + n * lineHeight;
					this.line(text, { ...boxes[i], size: 10 });
				})
			);
			this.y = top + height + 2;
			this.rule();
			this.gap(6);
		}
	}

	/** The issue date and page numbers at the foot of every page, then the file's bytes. */
	async finish(issuedOn: Date): Promise<Uint8Array> {
		const { doc } = this;
		const range = doc.bufferedPageRange();
		const count = new Intl.NumberFormat(intlLocale(this.locale));
		for (let i = range.start; i < range.start + range.count; i++) {
			doc.switchToPage(i);
			const footer = [
				m.documents_issued_on(
					{ date: formatDate(issuedOn, { locale: this.locale, long: true }) },
					{ locale: this.locale }
				),
				m.documents_page(
					{ page: count.format(i + 1), pages: count.format(range.count) },
					{ locale: this.locale }
				)
			].join('  ·  ');
			// Drawing below the bottom margin would make pdfkit start a new page.
			const bottom = doc.page.margins.bottom;
			doc.page.margins.bottom = 0;
			drawLine(doc, footer, {
				x: MARGIN,
				y: FOOTER_Y,
				width: this.width,
				direction: this.direction,
				align: 'center',
				size: 8,
				color: MUTED
			});
			doc.page.margins.bottom = bottom;
		}
		readLigaturesInReadingOrder(doc);
		const chunks: Buffer[] = [];
		doc.on('data', (chunk: Buffer) => chunks.push(chunk));
		const done = new Promise<Uint8Array>((resolve, reject) => {
			doc.on('end', () => resolve(new Uint8Array(Buffer.concat(chunks))));
			doc.on('error', reject);
		});
		doc.end();
		return done;
	}
}

type EmbeddedFonts = { _fontFamilies?: Record<string, { unicode?: number[][] }> };

/**
 * A PDF reader copies right-to-left text by turning each line's characters back into reading
 * order, one glyph's characters at a time taken as they are mapped. pdfkit maps a joined glyph
 * such as lam-alef (لا) to its letters in reading order, so a reader would give them back as
 * "ال". Mapping Arabic-script ligatures the other way round makes copied text come out right.
 * (pdfkit keeps the map on the font it embeds, written when the document ends.)
 */
function readLigaturesInReadingOrder(doc: PDFKit.PDFDocument) {
	// The same font is listed under its registered and its PostScript name: flip each map once.
	const fonts = new Set(Object.values((doc as unknown as EmbeddedFonts)._fontFamilies ?? {}));
	for (const font of fonts) {
		font.unicode?.forEach((codePoints, glyph) => {
			if (
				codePoints?.length > 1 &&
				codePoints.every((c) => /\p{Script=Arabic}/u.test(String.fromCodePoint(c)))
			)
				font.unicode![glyph] = [...codePoints].reverse();
		});
	}
}
