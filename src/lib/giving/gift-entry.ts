import { channels, type Channel } from './vocabulary.ts';
import { isSupportedCurrency, parseAmount } from '../money.ts';

// The rules for a gift staff type in by hand (a bank transfer, Vipps, cash). Pure, so the server
// checks every submission with it and the tests run in milliseconds.

/** Channels staff record by hand; card gifts only ever come from Stripe. */
export const manualChannels = channels.filter((c): c is Exclude<Channel, 'card'> => c !== 'card');
export type ManualChannel = (typeof manualChannels)[number];

export type GiftField =
	| 'channel'
	| 'receivedOn'
	| 'amount'
	| 'currency'
	| 'reference'
	| 'note'
	| 'supporter'
	| 'supporterName'
	| 'supporterEmail'
	| 'reason';

export type GiftErrorCode =
	| 'required'
	| 'invalid'
	| 'not_a_number'
	| 'too_many_decimals'
	| 'not_positive'
	| 'in_future'
	| 'too_long'
	| 'email_invalid';

export interface GiftEntryValues {
	channel: string;
	receivedOn: string;
	amount: string;
	currency: string;
	reference: string;
	note: string;
	/** An existing supporter's id, or empty with a new supporter's name and email. */
	supporterId: string;
	supporterName: string;
	supporterEmail: string;
	reason: string;
	/** The "send receipt" tick: any value when ticked, empty when not. */
	sendReceipt: string;
	/** The campaign the gift answers, by id, or empty. */
	campaignId: string;
}

export interface GiftEntry {
	channel: ManualChannel;
	receivedOn: string;
	amountMinor: number;
	currency: string;
	reference: string | null;
	note: string;
	supporter: { id: string } | { name: string; email: string | null };
	reason: string;
	/** Staff want the supporter emailed a receipt (when they have an address). */
	sendReceipt: boolean;
	/** The campaign the gift answers; a correction leaves it as it was. */
	campaignId?: string | null;
}

export type GiftEntryResult =
	| { ok: true; gift: GiftEntry; values: GiftEntryValues }
	| { ok: false; errors: Partial<Record<GiftField, GiftErrorCode>>; values: GiftEntryValues };

const uuidPattern = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const emailPattern = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

/** A real calendar day written YYYY-MM-DD. */
function isCalendarDate(text: string): boolean {
	if (!/^\d{4}-\d{2}-\d{2}$/.test(text)) return false;
	const date = new Date(`${text}T00:00:00Z`);
	return !Number.isNaN(date.getTime()) && date.toISOString().startsWith(text);
}

export function readGiftEntry(
	form: FormData | Record<string, string>,
	options: { today: string; requireReason?: boolean; locale?: string }
): GiftEntryResult {
	const get = (name: string) =>
		String((form instanceof FormData ? form.get(name) : form[name]) ?? '').trim();
	const values: GiftEntryValues = {
		channel: get('channel'),
		receivedOn: get('receivedOn'),
		amount: get('amount'),
		currency: get('currency').toUpperCase(),
		reference: get('reference'),
		note: get('note'),
		supporterId: get('supporterId'),
		supporterName: get('supporterName'),
		supporterEmail: get('supporterEmail'),
		reason: get('reason'),
		sendReceipt: get('sendReceipt'),
		campaignId: get('campaignId')
	};
	const errors: Partial<Record<GiftField, GiftErrorCode>> = {};

	if (!(manualChannels as readonly string[]).includes(values.channel)) errors.channel = 'required';
	if (!values.receivedOn) errors.receivedOn = 'required';
	else if (!isCalendarDate(values.receivedOn)) errors.receivedOn = 'invalid';
	else if (values.receivedOn > options.today) errors.receivedOn = 'in_future';
	if (!isSupportedCurrency(values.currency)) errors.currency = 'required';

	let amountMinor = 0;
	if (!errors.currency) {
		const amount = parseAmount(values.amount, values.currency, options.locale);
		if (!amount.ok) {
			errors.amount =
				amount.reason === 'empty'
					? 'required'
					: amount.reason === 'too_many_decimals'
						? 'too_many_decimals'
						: 'not_a_number';
		} else if (amount.amountMinor <= 0) errors.amount = 'not_positive';
		else amountMinor = amount.amountMinor;
	}
	if (values.reference.length > 200) errors.reference = 'too_long';
	if (values.note.length > 2000) errors.note = 'too_long';
	if (options.requireReason && !values.reason) errors.reason = 'required';
	if (values.reason.length > 500) errors.reason = 'too_long';

	let supporter: GiftEntry['supporter'] | undefined;
	if (values.supporterId) {
		if (uuidPattern.test(values.supporterId)) supporter = { id: values.supporterId };
		else errors.supporter = 'invalid';
	} else if (!values.supporterName && !values.supporterEmail) {
		errors.supporter = 'required';
	} else if (values.supporterName.length > 200) {
		errors.supporterName = 'too_long';
	} else if (values.supporterEmail && !emailPattern.test(values.supporterEmail)) {
		errors.supporterEmail = 'email_invalid';
	} else {
		supporter = { name: values.supporterName, email: values.supporterEmail || null };
	}

	if (Object.keys(errors).length > 0 || !supporter) return { ok: false, errors, values };
	return {
		ok: true,
		values,
		gift: {
			channel: values.channel as ManualChannel,
			receivedOn: values.receivedOn,
			amountMinor,
			currency: values.currency,
			reference: values.reference || null,
			note: values.note,
			supporter,
			reason: values.reason,
			sendReceipt: values.sendReceipt !== '',
			// A campaign that is not one (a stale form) is no campaign: the gift still counts.
			campaignId: uuidPattern.test(values.campaignId) ? values.campaignId : null
		}
	};
}
