import { describe, expect, it } from 'vitest';
import { guessCsvMapping, parseBankCsv } from './bank-csv.ts';
import { readFixture } from '../../../tests/fixtures/read-fixture.ts';

const options = { defaultCurrency: 'NOK' };

describe('parseBankCsv', () => {
	it('reads a DNB export: semicolons, quotes, decimal comma and dd.mm.yyyy', () => {
		const result = parseBankCsv(readFixture('bank-dnb.csv'), options);
		expect(result.delimiter).toBe(';');
		expect(result.headers).toEqual([
			'Dato',
			'Forklaring',
			'Rentedato',
			'Ut fra konto',
			'Inn på konto'
		]);
		expect(result.mapping).toEqual({ date: 0, amount: 4, message: 1 });
		expect(result.rows.map((r) => [r.line, r.bookedOn, r.amountMinor, r.currency])).toEqual([
			[2, '2025-03-03', 150000, 'NOK'],
			[4, '2025-03-05', 50000, 'NOK'],
			[5, '2025-03-06', 25000, 'NOK'],
			[6, '2025-03-06', 25000, 'NOK'],
			[7, '2025-03-07', 118250, 'NOK']
		]);
		expect(result.rows[0].message).toBe('Giro 1004217 Laila Ahmadi');
	});

	it('skips and counts outgoing payments', () => {
		expect(parseBankCsv(readFixture('bank-dnb.csv'), options).skipped).toEqual({ outgoing: 2 });
		expect(parseBankCsv(readFixture('bank-iso.csv'), options).skipped).toEqual({ outgoing: 1 });
	});

	it('derives a stable reference without an id column, telling identical rows apart by order', () => {
		const first = parseBankCsv(readFixture('bank-dnb.csv'), options).rows;
		const again = parseBankCsv(readFixture('bank-dnb.csv'), options).rows;
		expect(first.map((r) => r.transactionReference)).toEqual(
			again.map((r) => r.transactionReference)
		);
		const [zahra1, zahra2] = first.filter((r) => r.message.includes('Zahra'));
		expect(zahra1.transactionReference).toMatch(/^csv:[0-9a-f]{32}$/);
		expect(zahra1.transactionReference).not.toBe(zahra2.transactionReference);
	});

	it('gives a row the same reference when a later export of the same account contains it too', () => {
		const content = readFixture('bank-dnb.csv');
		const [header, ...lines] = content.trimEnd().split('\r\n');
		const shorter = [header, ...lines.slice(0, 3)].join('\r\n');
		const reference = (text: string) =>
			parseBankCsv(text, options).rows.find((r) => r.bookedOn === '2025-03-05')
				?.transactionReference;
		expect(reference(shorter)).toBe(reference(content));
	});

	it('reads an ISO export with commas, a currency, an id, contact details and a KID', () => {
		const result = parseBankCsv(readFixture('bank-iso.csv'), options);
		expect(result.delimiter).toBe(',');
		expect(result.rows[2]).toEqual({
			line: 4,
			bookedOn: '2025-03-11',
			amountMinor: 2500,
			currency: 'EUR',
			transactionReference: 'NO-TX-500103',
			payerName: 'Sahar Noori',
			email: null,
			phone: null,
			message: 'Gift, with thanks',
			kid: '1004548',
			feeMinor: null,
			netMinor: null,
			account: null
		});
		expect(result.rows[0]).toMatchObject({ email: 'INGRID.NILSEN@example.no' });
		expect(result.rows[1]).toMatchObject({ phone: '0047 93 45 67 89' });
		expect(result.rows[3].payerName).toBe('<script>alert("x")</script>');
	});

	it('reports malformed rows with their line number and reason', () => {
		const result = parseBankCsv(readFixture('bank-malformed.csv'), options);
		expect(result.malformed).toEqual([
			{ line: 3, reason: 'bad_date' },
			{ line: 4, reason: 'bad_amount' },
			{ line: 6, reason: 'missing_date' }
		]);
		expect(result.rows.map((r) => r.line)).toEqual([2]);
	});

	it('reads tab-separated files, thousands separators, and counts lines of multi-line cells', () => {
		const content =
			'Date\tAmount\tText\n2025-01-05\t1.250,50\t"two\nlines"\n05.01.25\t12 000\tnext\n';
		const result = parseBankCsv(content, options);
		expect(result.delimiter).toBe('\t');
		expect(result.rows.map((r) => [r.line, r.bookedOn, r.amountMinor])).toEqual([
			[2, '2025-01-05', 125050],
			[4, '2025-01-05', 1200000]
		]);
	});

	it('uses the mapping staff chose over the guess', () => {
		const content = 'When;What;Sum\n05.01.2025;Gave;100,00\n';
		const guessed = parseBankCsv(content, options);
		expect(guessed.fileError).toEqual({ reason: 'mapping_incomplete' });
		const mapped = parseBankCsv(content, {
			...options,
			mapping: { date: 0, amount: 2, message: 1 }
		});
		expect(mapped.fileError).toBeNull();
		expect(mapped.rows).toMatchObject([
			{ bookedOn: '2025-01-05', amountMinor: 10000, message: 'Gave' }
		]);
	});

	it('refuses a mapping that points two fields at one column or past the last', () => {
		const content = 'Dato;Beløp\n05.01.2025;100,00\n';
		expect(
			parseBankCsv(content, { ...options, mapping: { date: 0, amount: 0 } }).fileError
		).toEqual({
			reason: 'mapping_incomplete'
		});
		expect(
			parseBankCsv(content, { ...options, mapping: { date: 0, amount: 7 } }).fileError
		).toEqual({
			reason: 'mapping_incomplete'
		});
	});

	it('reads a file without a header row once columns are mapped', () => {
		const content = '05.01.2025;Gave;100,00\n06.01.2025;Gave;200,00\n';
		const result = parseBankCsv(content, { ...options, mapping: { date: 0, amount: 2 } });
		expect(result.headers).toEqual(['', '', '']);
		expect(result.rows.map((r) => r.line)).toEqual([1, 2]);
	});

	it('marks an unknown currency and a bad email as malformed', () => {
		const content =
			'Date,Amount,Currency,Email\n2025-01-05,10.00,SEK,\n2025-01-05,10.00,NOK,not-an-email\n';
		expect(parseBankCsv(content, options).malformed).toEqual([
			{ line: 2, reason: 'unknown_currency' },
			{ line: 3, reason: 'bad_email' }
		]);
	});

	it('marks a row whose id column is empty as malformed', () => {
		const content = 'Date,Amount,Reference\n2025-01-05,10.00,\n';
		expect(parseBankCsv(content, options).malformed).toEqual([
			{ line: 2, reason: 'missing_reference' }
		]);
	});

	it('reports a file that has no columns', () => {
		expect(parseBankCsv('just one line of text', options).fileError).toEqual({
			reason: 'no_columns'
		});
		expect(parseBankCsv('', options).fileError).toEqual({ reason: 'empty' });
	});
});

describe('guessCsvMapping', () => {
	it('knows the Norwegian banks’ header names and never takes the value date', () => {
		expect(
			guessCsvMapping(['Dato', 'Forklaring', 'Rentedato', 'Ut fra konto', 'Inn på konto'])
		).toEqual({
			date: 0,
			amount: 4,
			message: 1
		});
		expect(
			guessCsvMapping([
				'Bokføringsdato',
				'Beløp',
				'Avsender',
				'Mottaker',
				'Tittel',
				'Valuta',
				'KID'
			])
		).toEqual({ date: 0, amount: 1, name: 2, message: 4, currency: 5, kid: 6 });
	});

	it('knows English header names in any case', () => {
		expect(guessCsvMapping(['BOOKING DATE', 'amount', 'E-mail', 'Mobile', 'Description'])).toEqual({
			date: 0,
			amount: 1,
			email: 2,
			phone: 3,
			message: 4
		});
	});
});
