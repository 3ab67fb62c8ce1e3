import { describe, expect, it } from 'vitest';
import { stringify } from 'csv-stringify/sync';
import { parse } from 'csv-parse/sync';
import { csvField, csvLine, inertText } from './csv';

const awkward = [
	'plain',
	'',
	'Ola; Nordmann',
	'Laila "Lili" Ahmadi',
	'two\nlines',
	'windows\r\nline',
	'æøå ÆØÅ',
	'د افغانستان',
	'<script>alert(1)</script>',
	"Robert'); DROP TABLE supporter;--",
	'"',
	';'
];

describe('CSV lines', () => {
	it('writes what csv-stringify writes, quoting any line break as Excel needs', () => {
		const records = [awkward, awkward.slice().reverse(), ['a', 'b', 'c']];
		const ours = records.map((record) => csvLine(record)).join('');
		const reference = stringify(records, {
			delimiter: ';',
			record_delimiter: '\r\n',
			quoted_match: /[\r\n]/
		});
		expect(ours).toBe(reference);
	});

	it('reads back as the same fields', () => {
		const parsed = parse(csvLine(awkward), { delimiter: ';', relax_column_count: false });
		expect(parsed).toEqual([awkward]);
	});

	it('quotes only fields that need it', () => {
		expect(csvField('250.00')).toBe('250.00');
		expect(csvField('a;b')).toBe('"a;b"');
		expect(csvField('say "hi"')).toBe('"say ""hi"""');
	});
});

describe('inert text', () => {
	it('keeps a spreadsheet from running a formula typed into a name or note', () => {
		expect(inertText('=HYPERLINK("http://evil.example","click")')).toBe(
			`'=HYPERLINK("http://evil.example","click")`
		);
		expect(inertText('@SUM(A1:A2)')).toBe("'@SUM(A1:A2)");
		expect(inertText('-2+3+cmd|calc')).toBe("'-2+3+cmd|calc");
		expect(inertText('\t=1')).toBe("'\t=1");
	});

	it('leaves ordinary text and phone numbers alone', () => {
		expect(inertText('+47 912 34 567')).toBe('+47 912 34 567');
		expect(inertText('Laila Ahmadi')).toBe('Laila Ahmadi');
		expect(inertText('<script>alert(1)</script>')).toBe('<script>alert(1)</script>');
		expect(inertText(null)).toBe('');
	});
});
