import { randomUUID } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { Donation } from '../../giving/donation-form.ts';
import type { AttributionColumns, Database } from '../db/schema.ts';
import { supporterChoices } from '../giving/started-donation.ts';
import type { VippsClient } from './client.ts';

export interface VippsPaymentRequest {
	donation: Donation;
	/** The campaign and source the checkout came from. */
	attribution?: AttributionColumns;
	locale: string;
	/** The site's own origin, for the return address. */
	origin: string;
	/** What the supporter sees in the app and the settlement report calls the gift (3–100 characters). */
	description: string;
}

/** Idempotency keys per payment and operation: a retry is the same request, never a second one. */
export const idempotencyKey = (reference: string, operation: 'create' | 'capture' | 'cancel') =>
	`${operation}-${reference.replace(/^komak-/, '')}`;

export const isVippsReference = (value: string) => /^komak-[0-9a-f-]{36}$/.test(value);

/**
 * Records the supporter's choices, then creates the ePayment at Vipps and returns where to send
 * the supporter: Vipps's landing page, which switches to the app on a phone and asks for the
 * phone number on a computer. Nothing here records money: the gift is recorded from Vipps's
 * report of the payment (webhook or `vipps:sync`), never from the return to /thank-you.
 */
export async function startVippsPayment(
	db: Kysely<Database>,
	vipps: VippsClient,
	{ donation, attribution, locale, origin, description }: VippsPaymentRequest
): Promise<{ reference: string; redirectUrl: string }> {
	if (donation.kind !== 'one_off' || donation.currency !== 'NOK')
		throw new Error('Vipps takes one-off gifts in NOK');
	const reference = `komak-${randomUUID()}`;
	await db
		.insertInto('vipps_payment')
		.values({
			reference,
			kind: donation.kind,
			currency: donation.currency,
			amount_minor: donation.totalMinor,
			fee_top_up_minor: donation.feeTopUpMinor,
			...supporterChoices(donation, locale, attribution)
		})
		.execute();
	const returnUrl = new URL('/thank-you', origin);
	returnUrl.searchParams.set('vipps', reference);
	const { redirectUrl } = await vipps.createPayment(
		{
			amount: { currency: donation.currency, value: donation.totalMinor },
			paymentMethod: { type: 'WALLET' },
			reference,
			userFlow: 'WEB_REDIRECT',
			returnUrl: returnUrl.toString(),
			paymentDescription: description.slice(0, 100).padEnd(3, '.'),
			metadata: { kind: donation.kind }
		},
		idempotencyKey(reference, 'create')
	);
	return { reference, redirectUrl };
}
