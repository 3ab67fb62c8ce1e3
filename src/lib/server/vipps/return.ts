import type { Kysely } from 'kysely';
import type { Database } from '../db/schema.ts';
import type { VippsClient } from './client.ts';
import { isVippsReference } from './payments.ts';

export interface VippsReturn {
	outcome: 'received' | 'waiting' | 'not_completed';
	kind: 'one_off' | 'monthly';
	email: string;
	amount: { amountMinor: number; currency: string };
	/** The article the gift was begun in, if any (the thank-you page may lead back to it). */
	sourcePage: string | null;
}

/**
 * What Vipps says, asked server-side, about a payment this site started, for the supporter's
 * return to /thank-you. It records nothing: the gift is recorded from Vipps's report. Unknown
 * references give null.
 */
export async function vippsReturn(
	db: Kysely<Database>,
	vipps: VippsClient,
	reference: string,
	onError: (error: unknown) => void
): Promise<VippsReturn | null> {
	if (!isVippsReference(reference)) return null;
	const monthly = await db
		.selectFrom('vipps_agreement')
		.select(['agreement_id', 'email', 'amount_minor', 'currency', 'source_page'])
		.where('reference', '=', reference)
		.executeTakeFirst();
	if (monthly?.agreement_id) {
		const agreement = await vipps.getAgreement(monthly.agreement_id).catch((error) => {
			onError(error);
			return null;
		});
		return {
			outcome:
				agreement?.status === 'ACTIVE'
					? 'received'
					: !agreement || agreement.status === 'PENDING'
						? 'waiting'
						: 'not_completed',
			kind: 'monthly',
			email: monthly.email,
			amount: { amountMinor: monthly.amount_minor, currency: monthly.currency.trim() },
			sourcePage: monthly.source_page ?? null
		};
	}
	const started = await db
		.selectFrom('vipps_payment')
		.select(['kind', 'email', 'amount_minor', 'currency', 'source_page'])
		.where('reference', '=', reference)
		.executeTakeFirst();
	if (!started) return null;
	const payment = await vipps.getPayment(reference).catch((error) => {
		onError(error);
		return null;
	});
	const outcome =
		payment?.state === 'AUTHORIZED'
			? 'received'
			: !payment || payment.state === 'CREATED'
				? 'waiting'
				: 'not_completed';
	return {
		outcome,
		kind: started.kind,
		email: started.email,
		amount: { amountMinor: started.amount_minor, currency: started.currency.trim() },
		sourcePage: started.source_page ?? null
	};
}
