import { describe, expect, it } from 'vitest';
import { describeAuditEntry, type AuditSubjectFacts } from './audit-sentence';

const entry = (facts: Partial<AuditSubjectFacts>): AuditSubjectFacts => ({
	action: 'staff.disable',
	entity_type: 'staff_user',
	entity_id: '0b6c1f9e-7b8a-4c1e-9a51-3f0e8d3c2a10',
	after: null,
	staff_user_id: '5d2f0a3e-1c4b-4e6f-8a7d-9b0c1d2e3f40',
	staffName: 'Laila Ahmadi',
	staffEmail: 'laila@dawatmedia.no',
	subjectStaffName: 'Farid Noori',
	subjectStaffEmail: 'farid@dawatmedia.no',
	supporterName: null,
	supporterEmail: null,
	giftAmountMinor: null,
	giftCurrency: null,
	giverName: null,
	emailTo: null,
	importFileName: null,
	statementYear: null,
	...facts
});

/** The sentence as read, without the marks that keep names whole in right-to-left text. */
const text = (parts: { text: string }[]) =>
	parts
		.map((part) => part.text)
		.join('')
		.replace(/[\u2068\u2069]/g, '');

describe('the audit log in words', () => {
	it('names who did what to which account, with links to both', () => {
		const parts = describeAuditEntry(entry({}), 'en');
		expect(text(parts)).toBe('Laila Ahmadi disabled the account of Farid Noori');
		expect(parts.filter((part) => part.href).map((part) => part.href)).toEqual([
			'/admin/staff#staff-5d2f0a3e-1c4b-4e6f-8a7d-9b0c1d2e3f40',
			'/admin/staff#staff-0b6c1f9e-7b8a-4c1e-9a51-3f0e8d3c2a10'
		]);
	});

	it('says a gift with its amount and giver, and links to it', () => {
		const parts = describeAuditEntry(
			entry({
				action: 'contribution.void',
				entity_type: 'contribution',
				giftAmountMinor: 25000,
				giftCurrency: 'NOK',
				giverName: 'Kari Nordmann'
			}),
			'en'
		);
		expect(text(parts)).toMatch(/^Laila Ahmadi voided the gift of NOK\s?250 from Kari Nordmann$/);
		expect(parts.at(-1)?.href).toBe('/admin/contributions/0b6c1f9e-7b8a-4c1e-9a51-3f0e8d3c2a10');
	});

	it('names a role in words and the system when no one signed in did it', () => {
		const invited = describeAuditEntry(
			entry({ action: 'staff.invite', after: { role: 'viewer' } }),
			'en'
		);
		expect(text(invited)).toBe('Laila Ahmadi invited Farid Noori with the role read-only viewer');
		const rotated = describeAuditEntry(
			entry({ action: 'secrets.rotate', entity_type: 'secret_key', staff_user_id: null }),
			'en'
		);
		expect(text(rotated)).toBe('System sealed the stored secrets again with a new key');
	});

	it('names a campaign staff created or changed, with a link to it', () => {
		const parts = describeAuditEntry(
			entry({ action: 'campaign.update', entity_type: 'campaign', campaignName: 'Year-end 2026' }),
			'en'
		);
		expect(text(parts)).toBe('Laila Ahmadi changed the campaign Year-end 2026');
		expect(parts.at(-1)?.href).toBe('/admin/campaigns/0b6c1f9e-7b8a-4c1e-9a51-3f0e8d3c2a10');
	});

	it('still shows an action it has no words for, as stored', () => {
		const parts = describeAuditEntry(entry({ action: 'staff.teleport' }), 'en');
		expect(text(parts)).toBe('Laila Ahmadi: staff.teleport (Farid Noori)');
	});
});
