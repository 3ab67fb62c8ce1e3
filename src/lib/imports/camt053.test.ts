import { describe, expect, it } from 'vitest';
import { isNestedDeeperThan, parseCamt053 } from './camt053.ts';
import { readFixture } from '../../../tests/fixtures/read-fixture.ts';

const statement = (entries: string, version = '02') => `<?xml version="1.0" encoding="UTF-8"?>
<Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.053.001.${version}">
<BkToCstmrStmt><Stmt><Acct><Id><IBAN>NO1505302294668</IBAN></Id></Acct>
${entries}
</Stmt></BkToCstmrStmt></Document>`;

describe('parseCamt053', () => {
	it('reads the credit entries of a DNB statement (001.02) with date, amount, payer and KID', () => {
		const result = parseCamt053(readFixture('camt053-dnb.xml'));
		expect(result.fileError).toBeNull();
		expect(result.malformed).toEqual([]);
		expect(result.rows[0]).toEqual({
			line: 34,
			bookedOn: '2025-03-03',
			amountMinor: 150000,
			currency: 'NOK',
			transactionReference: 'NO1505302294668:98100530011',
			payerName: 'LAILA AHMADI',
			email: null,
			phone: null,
			message: '',
			kid: '1004217',
			feeMinor: null,
			netMinor: null,
			account: 'NO1505302294668'
		});
		expect(result.rows.map((r) => [r.currency, r.amountMinor])).toEqual([
			['NOK', 150000],
			['NOK', 50000],
			['NOK', 50000],
			['NOK', 25000],
			['NOK', 20000],
			['EUR', 5000]
		]);
	});

	it('skips and counts debit entries and entries that are not booked', () => {
		const result = parseCamt053(readFixture('camt053-dnb.xml'));
		expect(result.skipped).toEqual({ outgoing: 1, not_booked: 1 });
	});

	it('gives one row per transaction of a batch entry, each with its own amount, line and reference', () => {
		const rows = parseCamt053(readFixture('camt053-dnb.xml')).rows.filter(
			(r) => r.bookedOn === '2025-03-05' && r.currency === 'NOK'
		);
		expect(rows.map((r) => [r.line, r.amountMinor, r.payerName, r.transactionReference])).toEqual([
			[81, 50000, 'Mohammad Karimi', 'NO1505302294668:98100530013/E2E-20250305-0001'],
			[87, 50000, 'Ingrid Nilsen', 'NO1505302294668:98100530013/E2E-20250305-0002'],
			[93, 25000, 'Ahmad Zia Popal', 'NO1505302294668:98100530013/E2E-20250305-0003']
		]);
		expect(rows[2].message).toBe('Gave til Dawat Takk for nyhetene');
	});

	it('keeps the same bank reference on two accounts apart by the account', () => {
		const references = parseCamt053(readFixture('camt053-dnb.xml')).rows.map(
			(r) => r.transactionReference
		);
		expect(references).toContain('NO1505302294668:98100530011');
		expect(references).toContain('NO8305302294676:98100530011');
		expect(new Set(references).size).toBe(references.length);
	});

	it('reads version 001.08: Sts/Cd, Dbtr/Pty/Nm, contact details, TxDtls/Amt and a booking date-time', () => {
		const result = parseCamt053(readFixture('camt053-v08.xml'));
		expect(result.skipped).toEqual({ outgoing: 1, reversal: 1 });
		expect(result.rows).toMatchObject([
			{
				line: 15,
				bookedOn: '2025-03-31',
				amountMinor: 75000,
				payerName: 'Farid Rahimi',
				phone: '+47 934 56 789',
				message: 'Ramadan-gave',
				transactionReference: '05302294668:NO-20250331-88812'
			},
			{
				amountMinor: 60000,
				email: 'sahar@example.org',
				transactionReference: '05302294668:50012345678-1'
			},
			{ amountMinor: 40000, kid: '1004431', transactionReference: '05302294668:50012345678-2' }
		]);
	});

	it('parses amounts exactly from their decimal text', () => {
		const entry = (
			amount: string
		) => `<Ntry><Amt Ccy="NOK">${amount}</Amt><CdtDbtInd>CRDT</CdtDbtInd>
			<Sts>BOOK</Sts><BookgDt><Dt>2025-01-02</Dt></BookgDt><AcctSvcrRef>R${amount}</AcctSvcrRef></Ntry>`;
		const result = parseCamt053(
			statement(['0.10', '1234567.89', '19.9', '100', '0.30'].map(entry).join(''))
		);
		expect(result.rows.map((r) => r.amountMinor)).toEqual([10, 123456789, 1990, 10000, 30]);
	});

	it('reports malformed entries with the line they start on and why', () => {
		const result = parseCamt053(readFixture('camt053-malformed.xml'));
		expect(result.rows).toHaveLength(1);
		expect(result.malformed).toEqual([
			{ line: 16, reason: 'unknown_currency' },
			{ line: 23, reason: 'bad_date' },
			{ line: 30, reason: 'missing_reference' },
			{ line: 37, reason: 'bad_amount' }
		]);
	});

	it('reports a file that is not XML with the line of the fault, and one that is no statement', () => {
		expect(parseCamt053('<Document>\n<BkToCstmrStmt>\n</Document>').fileError).toEqual({
			reason: 'not_xml',
			line: 3
		});
		expect(parseCamt053('<Document><BkToCstmrNtfctn/></Document>').fileError).toEqual({
			reason: 'not_camt053'
		});
		expect(parseCamt053('  ').fileError).toEqual({ reason: 'empty' });
	});

	it('refuses a document type declaration rather than expand its entities', () => {
		const xml = `<?xml version="1.0"?><!DOCTYPE Document [<!ENTITY a "aaaaaaaaaa">]><Document/>`;
		expect(parseCamt053(xml)).toMatchObject({
			rows: [],
			fileError: { reason: 'doctype_not_allowed' }
		});
	});

	it('keeps the line numbers right when a comment mentions an entry', () => {
		const xml = statement(`<!-- <Ntry> in a comment -->
<Ntry><Amt Ccy="NOK">5.00</Amt><CdtDbtInd>CRDT</CdtDbtInd><Sts>BOOK</Sts>
<BookgDt><Dt>2025-01-02</Dt></BookgDt><AcctSvcrRef>X1</AcctSvcrRef></Ntry>`);
		expect(parseCamt053(xml).rows[0].line).toBe(5);
	});
});

describe('files nested deeper than any statement', () => {
	it('refuses XML nested 200,000 levels with a message instead of overflowing the stack', () => {
		const depth = 200_000;
		const xml = '<a>'.repeat(depth) + 'x' + '</a>'.repeat(depth);
		expect(parseCamt053(xml).fileError).toEqual({ reason: 'too_deep' });
	});

	it('counts only opening elements: self-closing tags, declarations and comments add no depth', () => {
		const flat = '<?xml version="1.0"?><!-- c --><a>' + '<b/>'.repeat(1000) + '</a>';
		expect(isNestedDeeperThan(flat, 2)).toBe(false);
		expect(isNestedDeeperThan('<a><b><c/></b></a>', 1)).toBe(true);
	});
});
