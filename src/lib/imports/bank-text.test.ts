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
});
