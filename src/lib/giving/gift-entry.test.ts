import { describe, expect, it } from 'vitest';
import { readGiftEntry } from './gift-entry.ts';

const base = {
	channel: 'vipps',
	receivedOn: '2026-11-24',
	amount: '1 250,50',
	currency: 'nok',
	supporterName: 'Ahmad Karimi'
};
const read = (fields: Record<string, string>, requireReason = false) =>
	readGiftEntry({ ...base, ...fields }, { today: '2026-11-25', requireReason });

describe('a gift typed in by staff', () => {
	it('reads a Norwegian amount with a space and a decimal comma into øre', () => {
		const result = read({});
		expect(result.ok && result.gift).toMatchObject({
			channel: 'vipps',
			amountMinor: 125_050,
			currency: 'NOK',
			supporter: { name: 'Ahmad Karimi', email: null }
		});
	});

	it('sends a receipt only when the tick is in the form', () => {
		expect(read({ sendReceipt: 'yes' })).toMatchObject({ ok: true, gift: { sendReceipt: true } });
		expect(read({})).toMatchObject({ ok: true, gift: { sendReceipt: false } });
	});

	it('never takes a card gift by hand: those come from Stripe', () => {
		expect(read({ channel: 'card' })).toMatchObject({ ok: false, errors: { channel: 'required' } });
	});

	it('refuses a date in the future, an impossible date and a zero amount, field by field', () => {
		expect(read({ receivedOn: '2026-11-26' })).toMatchObject({
			errors: { receivedOn: 'in_future' }
		});
		expect(read({ receivedOn: '2026-02-30' })).toMatchObject({ errors: { receivedOn: 'invalid' } });
		expect(read({ amount: '0' })).toMatchObject({ errors: { amount: 'not_positive' } });
		expect(read({ amount: '12,345' })).toMatchObject({ ok: true });
		expect(read({ amount: 'ten' })).toMatchObject({ errors: { amount: 'not_a_number' } });
	});

	it('needs someone who gave, and a reason when a gift is corrected', () => {
		expect(read({ supporterName: '' })).toMatchObject({ errors: { supporter: 'required' } });
		expect(read({ supporterEmail: 'not-an-address' })).toMatchObject({
			errors: { supporterEmail: 'email_invalid' }
		});
		expect(read({}, true)).toMatchObject({ errors: { reason: 'required' } });
		expect(read({ reason: 'Typo in the amount' }, true)).toMatchObject({ ok: true });
	});

	it('keeps what was typed, so the form comes back as it was', () => {
		const result = read({ amount: 'abc', reference: ' KID 1234 ' });
		expect(result.values).toMatchObject({ amount: 'abc', reference: 'KID 1234', currency: 'NOK' });
	});
});
