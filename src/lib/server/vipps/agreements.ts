import { randomUUID } from 'node:crypto';
import { sql, type Kysely, type Transaction } from 'kysely';
import type { Donation } from '../../giving/donation-form.ts';
import type { ContributionStatus, PlanStatus } from '../../giving/vocabulary.ts';
import { isLocale } from '../../locales.ts';
import type { AttributionColumns, Database, VippsAgreement } from '../db/schema.ts';
import { markGiftRefunded, recordGift } from '../giving/contributions.ts';
import { supporterChoices } from '../giving/started-donation.ts';
import { findPlanByExternalId, upsertPlan } from '../giving/plans.ts';
import { queuePaymentFailedEmail } from '../mail/payment-failed-email.ts';
import { copyAttribution } from '../campaigns/campaigns.ts';
import { findOrCreateSupporterByEmail, recordContactConsent } from '../supporters/supporters.ts';
import type { VippsClient } from './client.ts';
import { addMonths, todayInNorway } from './dates.ts';
import type { Agreement, Charge } from './types.ts';

// Monthly gifts by Vipps (Recurring API v3). The appeal drafts an agreement with VARIABLE
// pricing (the supporter approves a monthly maximum, twice the gift, so a later raise needs no
// new agreement) and the first month as its initial charge. Whatever Vipps reports about an
// agreement or one of its charges, Komak asks Vipps for the agreement and its charges as they
// are now and makes its plan and gifts follow, as for one-off payments.

type Trx = Transaction<Database>;
export type ApplyChanges = (trx: Trx) => Promise<void>;
const nothing: ApplyChanges = async () => {};

/** Vipps's limit on a suggested maximum in NOK, in øre. */
const SUGGESTED_MAX_LIMIT_MINOR = 2_000_000;

/** The monthly maximum Komak suggests to the supporter in Vipps: twice the gift. */
export const suggestedMaximum = (amountMinor: number) =>
	Math.min(amountMinor * 2, SUGGESTED_MAX_LIMIT_MINOR);

/** The amount the scheduler charges each month from now on. */
export async function setVippsAgreementAmount(trx: Trx, agreementId: string, amountMinor: number) {
	await trx
		.updateTable('vipps_agreement')
		.set({ amount_minor: amountMinor, updated_at: sql`now()` })
		.where('agreement_id', '=', agreementId)
		.execute();
}

export interface VippsAgreementRequest {
	donation: Donation;
	/** The campaign and source the checkout came from. */
	attribution?: AttributionColumns;
	locale: string;
	origin: string;
	productName: string;
}

export async function startVippsAgreement(
	db: Kysely<Database>,
	vipps: VippsClient,
	{ donation, attribution, locale, origin, productName }: VippsAgreementRequest
): Promise<{ reference: string; redirectUrl: string }> {
	if (donation.kind !== 'monthly' || donation.currency !== 'NOK')
		throw new Error('Vipps agreements are for monthly gifts in NOK');
	const reference = `komak-${randomUUID()}`;
	await db
		.insertInto('vipps_agreement')
		.values({
			reference,
			currency: donation.currency,
			amount_minor: donation.totalMinor,
			...supporterChoices(donation, locale, attribution)
		})
		.execute();
	const returnUrl = new URL('/thank-you', origin);
	returnUrl.searchParams.set('vipps', reference);
	const draft = await vipps.createAgreement(
		{
			pricing: {
				type: 'VARIABLE',
				currency: donation.currency,
				suggestedMaxAmount: suggestedMaximum(donation.totalMinor)
			},
			interval: { unit: 'MONTH', count: 1 },
			initialCharge: {
				amount: donation.totalMinor,
				description: productName.slice(0, 45),
				transactionType: 'DIRECT_CAPTURE'
			},
			merchantRedirectUrl: returnUrl.toString(),
			merchantAgreementUrl: new URL('/my', origin).toString(),
			productName: productName.slice(0, 45),
			externalId: reference,
			countryCode: 'NO'
		},
		`create-${reference.replace(/^komak-/, '')}`
	);
	await db
		.updateTable('vipps_agreement')
		.set({ agreement_id: draft.agreementId, updated_at: sql`now()` })
		.where('reference', '=', reference)
		.execute();
	return { reference, redirectUrl: draft.vippsConfirmationUrl };
}

const giftStatus = (charge: Charge): ContributionStatus | null => {
	switch (charge.status) {
		case 'CHARGED':
			return 'succeeded';
		case 'PARTIALLY_REFUNDED':
			return 'partially_refunded';
		case 'REFUNDED':
			return 'refunded';
		case 'FAILED':
			return 'failed';
		default:
			return null; // not yet taken, or cancelled before it was
	}
};

/** The plan follows the agreement; a failed last charge leaves it past due until one succeeds. */
function planStatus(agreement: Agreement, charges: Charge[]): PlanStatus {
	if (agreement.status !== 'ACTIVE') return 'canceled';
	const settled = charges
		.filter((c) => giftStatus(c) !== null)
		.sort((a, b) => a.due.localeCompare(b.due));
	return settled.at(-1)?.status === 'FAILED' ? 'past_due' : 'active';
}

export async function settleVippsAgreement(
	db: Kysely<Database>,
	vipps: VippsClient,
	agreementId: string,
	{ origin }: { origin: string }
): Promise<ApplyChanges> {
	const ours = await db
		.selectFrom('vipps_agreement')
		.select('reference')
		.where('agreement_id', '=', agreementId)
		.executeTakeFirst();
	if (!ours) return nothing;
	const [agreement, charges] = await Promise.all([
		vipps.getAgreement(agreementId),
		vipps.listCharges(agreementId)
	]);
	return async (trx) => {
		const startedOn = agreement.start ? todayInNorway(new Date(agreement.start)) : null;
		const record = await trx
			.updateTable('vipps_agreement')
			.set({
				status: agreement.status,
				// The first month is the initial charge: the scheduler's first is a month on.
				next_charge_on: sql`coalesce(next_charge_on, ${startedOn ? addMonths(startedOn, 1) : null})`,
				charge_day: sql`coalesce(charge_day, ${startedOn ? Number(startedOn.slice(8)) : null})`,
				updated_at: sql`now()`
			})
			.where('agreement_id', '=', agreementId)
			.returningAll()
			.executeTakeFirstOrThrow();
		if (!agreement.start) return; // never approved: no plan, no gift
		await applyAgreement(trx, record, agreement, charges, origin);
	};
}

async function applyAgreement(
	trx: Trx,
	record: VippsAgreement,
	agreement: Agreement,
	charges: Charge[],
	origin: string
) {
	const existing = await findPlanByExternalId(trx, 'vipps', agreement.id);
	const supporterId =
		existing?.supporter_id ??
		(record.email
			? (
					await findOrCreateSupporterByEmail(trx, {
						email: record.email,
						name: record.name,
						...(isLocale(record.locale) && { preferred_locale: record.locale })
					})
				).id
			: null);
	if (!supporterId) return; // erased before the agreement was first reported
	if (!existing) await recordContactConsent(trx, supporterId, record.contact_consent_wording);
	const failed = charges.filter((c) => c.status === 'FAILED');
	const status = planStatus(agreement, charges);
	const plan = await upsertPlan(trx, {
		supporterId,
		channel: 'vipps',
		externalId: agreement.id,
		amountMinor: record.amount_minor,
		currency: record.currency.trim(),
		status,
		startedAt: new Date(agreement.start!),
		canceledAt: agreement.stop ? new Date(agreement.stop) : null,
		cancelAtPeriodEnd: false,
		currentPeriodEnd: record.next_charge_on ? new Date(`${record.next_charge_on}T00:00:00Z`) : null,
		lastFailureReason:
			status === 'past_due' ? (failed.at(-1)?.failureReason ?? 'charge_failed') : undefined,
		attribution: copyAttribution(record)
	});
	for (const charge of charges) {
		const giftState = giftStatus(charge);
		if (!giftState) continue;
		const { contribution } = await recordGift(trx, {
			supporter_id: supporterId,
			recurring_plan_id: plan.id,
			channel: 'vipps',
			kind: 'monthly',
			amount_minor: charge.amount,
			currency: charge.currency,
			fee_minor: null,
			net_minor: null,
			status: giftState,
			received_at: new Date(`${charge.due}T12:00:00Z`),
			external_reference: charge.id,
			payment_reference: charge.id,
			is_anonymous: record.is_anonymous,
			dedication: record.dedication,
			receipt_requested: true,
			...copyAttribution(plan)
		});
		const refundedMinor = charge.summary?.refunded ?? 0;
		if (refundedMinor > 0 && (giftState === 'refunded' || giftState === 'partially_refunded'))
			await markGiftRefunded(
				trx,
				charge.id,
				{ status: giftState, refunded_minor: refundedMinor },
				'vipps'
			);
		// The supporter hears of a failed charge once (the email's key is the charge), unless
		// the gift has stopped.
		if (giftState === 'failed' && contribution.status === 'failed' && plan.status !== 'canceled')
			await queuePaymentFailedEmail(trx, {
				supporterId,
				invoiceId: charge.id,
				amountMinor: charge.amount,
				currency: charge.currency,
				declineCode: charge.failureReason ?? null,
				nextAttemptAt: null,
				origin,
				paidWith: 'vipps'
			});
	}
}
