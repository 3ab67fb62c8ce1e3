import { describe, expect, it } from 'vitest';
import {
	foldName,
	indexCandidates,
	matchImportRow,
	nameSimilarity,
	normalisePhone,
	similarCandidates,
	type MatchCandidate,
	type MatchableRow
} from './matching.ts';

const supporters: MatchCandidate[] = [
	{
		id: 'laila',
		name: 'Laila Ahmadi',
		email: 'laila.ahmadi@example.no',
		phone: '+47 412 34 567',
		reference: '1004217',
		kid: '10000008'
	},
	{
		id: 'mohammad',
		name: 'Mohammad Karimi',
		email: 'm.karimi@example.com',
		phone: '91234567',
		reference: '1004324',
		kid: '10000016'
	},
	{
		id: 'farid',
		name: 'Farid Rahimi',
		email: null,
		phone: '0047 93 45 67 89',
		reference: null,
		kid: '10000024'
	},
	{ id: 'oyvind', name: 'Øyvind Berg', email: null, phone: null, reference: null, kid: '10000032' },
	{
		id: 'zahra-1',
		name: 'Zahra Hosseini',
		email: null,
		phone: null,
		reference: null,
		kid: '10000040'
	},
	{
		id: 'zahra-2',
		name: 'Zahra Hosseini',
		email: 'zahra.h@example.org',
		phone: null,
		reference: null,
		kid: '10000057'
	}
];
const index = indexCandidates(supporters);

const row = (fields: Partial<MatchableRow>): MatchableRow => ({
	kid: null,
	message: '',
	email: null,
	phone: null,
	payerName: '',
	...fields
});

describe('matchImportRow', () => {
	it('matches by KID first, whatever the other details say', () => {
		expect(matchImportRow(row({ kid: '1004217', email: 'm.karimi@example.com' }), index)).toEqual({
			supporterId: 'laila',
			reason: 'reference',
			isCertain: true
		});
	});

	it('matches a personal KID, in the KID field or in the message, to its supporter for sure', () => {
		expect(matchImportRow(row({ kid: '1000 0024', payerName: 'Laila Ahmadi' }), index)).toEqual({
			supporterId: 'farid',
			reason: 'reference',
			isCertain: true
		});
		expect(matchImportRow(row({ message: 'Giro 10000032 OYVIND BERG' }), index)).toEqual({
			supporterId: 'oyvind',
			reason: 'reference',
			isCertain: true
		});
	});

	it('matches by email in any case', () => {
		expect(matchImportRow(row({ email: 'M.Karimi@Example.COM' }), index)).toEqual({
			supporterId: 'mohammad',
			reason: 'email',
			isCertain: true
		});
	});

	it('matches Norwegian phone numbers however they are written', () => {
		for (const phone of ['93456789', '+4793456789', '0047 934 56 789', '+47 93 45 67 89']) {
			expect(matchImportRow(row({ phone }), index)).toEqual({
				supporterId: 'farid',
				reason: 'phone',
				isCertain: true
			});
		}
	});

	it('suggests the supporter whose reference the message quotes, without being sure', () => {
		expect(matchImportRow(row({ message: 'Overføring Gave nr 1004324.' }), index)).toEqual({
			supporterId: 'mohammad',
			reason: 'reference',
			isCertain: false
		});
	});

	it('suggests by name regardless of case, accents and word order', () => {
		expect(matchImportRow(row({ payerName: 'OYVIND BERG' }), index)).toEqual({
			supporterId: 'oyvind',
			reason: 'name',
			isCertain: false
		});
		expect(matchImportRow(row({ payerName: 'AHMADI LAILA' }), index).supporterId).toBe('laila');
	});

	it('suggests a close spelling of a name', () => {
		expect(matchImportRow(row({ payerName: 'Mohamad Karimy' }), index)).toEqual({
			supporterId: 'mohammad',
			reason: 'name',
			isCertain: false
		});
	});

	it('suggests no one when two supporters share the name, but offers both', () => {
		const zahra = row({ payerName: 'Zahra Hosseini' });
		expect(matchImportRow(zahra, index)).toEqual({
			supporterId: null,
			reason: 'none',
			isCertain: false
		});
		expect(
			similarCandidates(zahra, index)
				.map((c) => c.id)
				.sort()
		).toEqual(['zahra-1', 'zahra-2']);
	});

	it('finds no one for a stranger or an empty row', () => {
		expect(matchImportRow(row({ payerName: 'Nadia Sultani' }), index).reason).toBe('none');
		expect(matchImportRow(row({}), index)).toEqual({
			supporterId: null,
			reason: 'none',
			isCertain: false
		});
	});
});

describe('normalisePhone', () => {
	it('reduces Norwegian numbers to eight digits and keeps foreign ones whole', () => {
		expect(normalisePhone('+47 412 34 567')).toBe('41234567');
		expect(normalisePhone('0047-412-34-567')).toBe('41234567');
		expect(normalisePhone('412 34 567')).toBe('41234567');
		expect(normalisePhone('+46 70 123 45 67')).toBe('+46701234567');
		expect(normalisePhone('0046 70 123 45 67')).toBe('+46701234567');
		expect(normalisePhone('')).toBeNull();
		expect(normalisePhone('n/a')).toBeNull();
	});
});

describe('names', () => {
	it('folds Norwegian letters, accents and word order', () => {
		expect(foldName('  Øyvind  Bærø ')).toBe('baero oyvind');
		expect(foldName('BERG, ØYVIND')).toBe(foldName('Øyvind Berg'));
		expect(foldName('José Ñúñez')).toBe('jose nunez');
	});

	it('scores similar spellings high and different names low', () => {
		expect(nameSimilarity('Mohammad Ahmadi', 'Mohammed Ahmadi')).toBeGreaterThan(0.9);
		expect(nameSimilarity('Laila Ahmadi', 'Ingrid Nilsen')).toBeLessThan(0.5);
		expect(nameSimilarity('', 'Ingrid Nilsen')).toBe(0);
	});
});
