import { describe, expect, it } from 'vitest';
import { readFixture } from '../../../tests/fixtures/read-fixture.ts';
import { parseVippsCsv } from './vipps-csv.ts';

describe('parseVippsCsv', () => {
	it('reads the flat settlement report with Norwegian headers, fee and net', () => {
		const result = parseVippsCsv(readFixture('vipps-settlement.csv'));
		expect(result.fileError).toBeNull();
		expect(result.rows[0]).toEqual({
			line: 2,
			bookedOn: '2025-03-02',
			amountMinor: 20000,
			currency: 'NOK',
			transactionReference: '2201458830',
			payerName: 'Farid Rahimi',
			email: null,
			phone: null,
			message: 'Til Dawat',
			kid: null,
			feeMinor: 200,
			netMinor: 19800,
			account: null
		});
		expect(result.rows.map((r) => r.payerName)).toEqual([
			'Farid Rahimi',
			'Sahar Noori',
			'Nadia Sultani',
			'Ingrid Nilsen'
		]);
	});

	it('names a gift made through the appeal’s Vipps button by Komak’s own reference', () => {
		const csv = [
			'Salgsdato;Transaksjons-ID;Ordre-ID;Brutto;Gebyr;Netto;Transaksjonstype;Fornavn;Etternavn',
			'06.12.2026;3301458831;komak-0b52e5bd-be1e-42a1-acf2-e331f52c68ac;200,00;-2,00;198,00;Salg;Laila;Ahmadi',
			'06.12.2026;3301458832;order-77;150,00;-1,50;148,50;Salg;Ola;Nordmann'
		].join('\n');
		const result = parseVippsCsv(csv);
		expect(result.rows.map((r) => [r.transactionReference, r.amountMinor, r.feeMinor])).toEqual([
			['komak-0b52e5bd-be1e-42a1-acf2-e331f52c68ac', 20000, 200],
			['3301458832', 15000, 150]
		]);
	});

	it('skips and counts refunds', () => {
		expect(parseVippsCsv(readFixture('vipps-settlement.csv')).skipped).toEqual({ not_a_sale: 1 });
	});

	it('reads only the transaction lines of the sectioned report', () => {
		const result = parseVippsCsv(readFixture('vipps-settlement-sections.csv'));
		expect(
			result.rows.map((r) => [
				r.line,
				r.transactionReference,
				r.amountMinor,
				r.feeMinor,
				r.netMinor
			])
		).toEqual([
			[7, '2201502211', 15000, 150, 14850],
			[8, '2201502388', 20000, 200, 19800]
		]);
		expect(result.malformed).toEqual([]);
	});

	it('reads the newer details report by its column names', () => {
		const content = [
			'Salgssted,Tidspunkt,Bokføringsdato,Type,Beløp,Kundens navn,Melding,PSP-referanse',
			'Dawat Media Center,2025-03-02 14:33:10,2025-03-03,Salg,"250,00",Laila Ahmadi,Gave,a1b2c3d4',
			'Dawat Media Center,2025-03-02 15:01:00,2025-03-03,Gebyr,"-2,50",,,a1b2c3d4'
		].join('\n');
		const result = parseVippsCsv(content);
		expect(result.rows).toMatchObject([
			{
				bookedOn: '2025-03-02',
				amountMinor: 25000,
				payerName: 'Laila Ahmadi',
				transactionReference: 'a1b2c3d4'
			}
		]);
		expect(result.skipped).toEqual({ not_a_sale: 1 });
	});

	it('reports malformed rows with their line number and reason', () => {
		expect(parseVippsCsv(readFixture('vipps-malformed.csv')).malformed).toEqual([
			{ line: 3, reason: 'bad_date' },
			{ line: 4, reason: 'missing_reference' },
			{ line: 5, reason: 'bad_amount' }
		]);
	});

	it('says so when the columns are not those of a Vipps report', () => {
		expect(parseVippsCsv(readFixture('bank-dnb.csv')).fileError).toEqual({
			reason: 'vipps_columns_missing'
		});
	});
});
