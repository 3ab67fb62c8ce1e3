import { m } from '$lib/paraglide/messages.js';
import type { GiftErrorCode, GiftField } from './gift-entry.ts';

/** The message shown next to a field of the hand-recorded gift form, in the page's language. */
export function giftErrorText(field: GiftField, code: GiftErrorCode): string {
	switch (code) {
		case 'required':
			return field === 'supporter'
				? m.admin_gift_error_supporter_required()
				: field === 'reason'
					? m.admin_gift_error_reason_required()
					: m.admin_gift_error_required();
		case 'invalid':
			return field === 'receivedOn'
				? m.admin_gift_error_date_invalid()
				: m.admin_gift_error_invalid();
		case 'not_a_number':
			return m.admin_gift_error_not_a_number();
		case 'too_many_decimals':
			return m.admin_gift_error_too_many_decimals();
		case 'not_positive':
			return m.admin_gift_error_not_positive();
		case 'in_future':
			return m.admin_gift_error_in_future();
		case 'too_long':
			return m.admin_gift_error_too_long();
		case 'email_invalid':
			return m.admin_gift_error_email_invalid();
	}
}

export function giftErrorTexts(errors: Partial<Record<GiftField, GiftErrorCode>>) {
	return Object.fromEntries(
		Object.entries(errors).map(([field, code]) => [
			field,
			giftErrorText(field as GiftField, code as GiftErrorCode)
		])
	) as Partial<Record<GiftField, string>>;
}
