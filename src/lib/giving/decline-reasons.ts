// Why a card payment failed, in a few plain categories, from the code Stripe gives (a decline
// code such as `insufficient_funds`, or an error code such as `card_declined`). Staff see the
// category and the code; the supporter's email says the category in their language. Pure, so
// both the dashboard and the email use the same reading.

export const declineReasons = [
	'insufficient_funds',
	'expired_card',
	'incorrect_details',
	'limit_exceeded',
	'authentication_required',
	'card_not_supported',
	'temporary_problem',
	/** Lost, stolen or suspected fraud: staff may know, the supporter is told only "declined". */
	'card_blocked',
	'declined'
] as const;
export type DeclineReason = (typeof declineReasons)[number];

const reasonOfCode: Record<string, DeclineReason> = {
	insufficient_funds: 'insufficient_funds',
	expired_card: 'expired_card',
	incorrect_number: 'incorrect_details',
	invalid_number: 'incorrect_details',
	incorrect_cvc: 'incorrect_details',
	invalid_cvc: 'incorrect_details',
	incorrect_zip: 'incorrect_details',
	invalid_expiry_month: 'incorrect_details',
	invalid_expiry_year: 'incorrect_details',
	incorrect_pin: 'incorrect_details',
	invalid_pin: 'incorrect_details',
	invalid_account: 'incorrect_details',
	new_account_information_available: 'incorrect_details',
	card_velocity_exceeded: 'limit_exceeded',
	withdrawal_count_limit_exceeded: 'limit_exceeded',
	authentication_required: 'authentication_required',
	approve_with_id: 'authentication_required',
	offline_pin_required: 'authentication_required',
	online_or_offline_pin_required: 'authentication_required',
	pin_try_exceeded: 'authentication_required',
	payment_intent_authentication_failure: 'authentication_required',
	card_not_supported: 'card_not_supported',
	currency_not_supported: 'card_not_supported',
	transaction_not_allowed: 'card_not_supported',
	service_not_allowed: 'card_not_supported',
	processing_error: 'temporary_problem',
	issuer_not_available: 'temporary_problem',
	try_again_later: 'temporary_problem',
	reenter_transaction: 'temporary_problem',
	lost_card: 'card_blocked',
	stolen_card: 'card_blocked',
	pickup_card: 'card_blocked',
	restricted_card: 'card_blocked',
	fraudulent: 'card_blocked',
	merchant_blacklist: 'card_blocked',
	security_violation: 'card_blocked'
};

/**
 * The category of a stored failure reason. Anything unknown (do_not_honor, generic_decline,
 * card_declined, a message in words) is simply "declined"; no code at all is null.
 */
export function declineReason(code: string | null | undefined): DeclineReason | null {
	const key = code?.trim().toLowerCase();
	if (!key) return null;
	return Object.hasOwn(reasonOfCode, key) ? reasonOfCode[key] : 'declined';
}

/**
 * What the supporter is told. A card reported lost or stolen, or a decline for suspected fraud,
 * is told as a plain decline: their bank explains it to them (Stripe's advice, too).
 */
export function declineReasonForSupporter(code: string | null | undefined): DeclineReason {
	const reason = declineReason(code);
	return reason === null || reason === 'card_blocked' ? 'declined' : reason;
}
