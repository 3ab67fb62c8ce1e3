import { describe, expect, it } from 'vitest';
import { readBankText } from './bank-text.ts';

describe('readBankText', () => {
	it('reads the KID and the payer after DNB’s "Giro"', () => {
		expect(readBankText('Giro 1004217 Laila Ahmadi')).toEqual({
			payerName: 'Laila Ahmadi',
			kid: '1004217'
		});
	});

	it('stops the name where the payer’s message starts', () => {
		expect(readBankText('Overføring Innland Mohammad Karimi Gave nr 1004324')).toEqual({
			payerName: 'Mohammad Karimi',
			kid: null
		});
		expect(readBankText('Giro Zahra Hosseini Til Dawat')).toEqual({
			payerName: 'Zahra Hosseini',
			kid: null
		});
		expect(readBankText('Straksbetaling Nadia Sultani Takk for nyhetene').payerName).toBe(
			'Nadia Sultani'
		);
		expect(readBankText('Nettgiro Fra: OYVIND BERG Til Dawat Media')).toEqual({
			payerName: 'OYVIND BERG',
			kid: null
		});
	});

	it('takes no KID whose check digit is wrong, and names nobody in purchases and payouts', () => {
		expect(readBankText('Giro 1004218 Laila Ahmadi')).toEqual({
			payerName: 'Laila Ahmadi',
			kid: null
		});
		expect(readBankText('Vipps utbetaling 557320 Oppgjør 4100123').payerName).toBe('');
		expect(readBankText('Husleie mars').payerName).toBe('');
		expect(readBankText('').payerName).toBe('');
	});

	it('reads the payer past an account number, a date or "Betalt:", and stops at the next number', () => {
		expect(readBankText('Nettgiro Fra: LAILA AHMADI Betalt: 05.03.26')).toEqual({
			payerName: 'LAILA AHMADI',
			kid: null
		});
		expect(readBankText('Overføring Innland 1234.56.78901 Laila Ahmadi Gave')).toEqual({
			payerName: 'Laila Ahmadi',
			kid: null
		});
		expect(readBankText('Giro Betalt: 05.03.26 1004217 Laila Ahmadi').payerName).toBe(
			'Laila Ahmadi'
		);
		expect(readBankText('Giro Betalt: 05.03.26 1004217 Laila Ahmadi').kid).toBe('1004217');
		expect(
			readBankText('Overføring 1234.56.78901 Betalt: 04.03.26 Fra: HOMA WARDAK').payerName
		).toBe('HOMA WARDAK');
		expect(readBankText('Straksbetaling Ingrid Nilsen 41234567 Til Dawat').payerName).toBe(
			'Ingrid Nilsen'
		);
	});

	it('keeps the small words inside a name', () => {
		expect(readBankText('Giro Anne van der Berg Gave').payerName).toBe('Anne van der Berg');
		expect(readBankText('Nettgiro Fra: Abdul al Rahman').payerName).toBe('Abdul al Rahman');
	});
});
