import type { Kysely, Transaction } from 'kysely';
import { formatDate } from '../../dates.ts';
import { declineReasonForSupporter, type DeclineReason } from '../../giving/decline-reasons.ts';
import {
	intlLocale,
	isLocale,
	isolateDirection,
	textDirection,
	type Locale
} from '../../locales.ts';
import { formatMoney } from '../../money.ts';
import { m } from '../../paraglide/messages.js';
import type { Database } from '../db/schema.ts';
import { renderEmail, type RenderedEmail } from './layout.ts';
import { queueEmail } from './outbox.ts';
import { createSignInLink } from '../self-service/sign-in-link.ts';

// The friendly note a monthly supporter gets when Stripe could not collect a payment: what
// happened, in plain words and their own language, that nothing is lost yet, and a button that
// signs them in to the self-service page (a single-use link) where they can put in a new card. A
// Vipps monthly gift has no card of ours to update: the supporter checks the card behind the
// agreement in the Vipps app.

type Db = Kysely<Database> | Transaction<Database>;

export interface PaymentFailedEmailContent {
	locale: string;
	supporterName: string;
	organisationName: string;
	/** The organisation's contact address; left out of the footer when empty. */
	contactEmail: string;
	amountMinor: number;
	currency: string;
	/** Stripe's decline or error code, as stored on the plan. */
	declineCode: string | null;
	/** When Stripe tries the card again, if it will. */
	nextAttemptAt: Date | null;
	/** The supporter's own single-use link into "My giving", where the card is changed. */
	updateCardUrl: string;
	/** How the monthly gift is paid: by card through Stripe (the default) or a Vipps agreement. */
	paidWith?: 'card' | 'vipps';
}

const reasonTexts: Record<DeclineReason, (options: { locale: Locale }) => string> = {
	insufficient_funds: (o) => m.failed_payment_email_reason_insufficient_funds({}, o),
	expired_card: (o) => m.failed_payment_email_reason_expired_card({}, o),
	incorrect_details: (o) => m.failed_payment_email_reason_incorrect_details({}, o),
	limit_exceeded: (o) => m.failed_payment_email_reason_limit_exceeded({}, o),
	authentication_required: (o) => m.failed_payment_email_reason_authentication_required({}, o),
	card_not_supported: (o) => m.failed_payment_email_reason_card_not_supported({}, o),
	temporary_problem: (o) => m.failed_payment_email_reason_temporary_problem({}, o),
	// Never said to the supporter (see declineReasonForSupporter); a plain decline if it were.
	card_blocked: (o) => m.failed_payment_email_reason_declined({}, o),
	declined: (o) => m.failed_payment_email_reason_declined({}, o)
};

export function paymentFailedEmail(content: PaymentFailedEmailContent): RenderedEmail {
	const locale: Locale = isLocale(content.locale) ? content.locale : 'en';
	const options = { locale };
	// Latin names and addresses stay whole inside Pashto and Dari sentences.
	const embed = (text: string) => (textDirection(locale) === 'rtl' ? isolateDirection(text) : text);
	const organisation = embed(content.organisationName);
	const amount = formatMoney(content.amountMinor, content.currency, intlLocale(locale));
	const name = content.supporterName.trim();
	const nextAttempt =
		content.nextAttemptAt && formatDate(content.nextAttemptAt, { locale, long: true });
	const reason = reasonTexts[declineReasonForSupporter(content.declineCode)](options);
	const isVipps = content.paidWith === 'vipps';

	return renderEmail({
		locale,
		subject: m.failed_payment_email_subject({ organisation: content.organisationName }, options),
		heading: m.failed_payment_email_heading({}, options),
		paragraphs: [
			name
				? m.failed_payment_email_greeting({ name: embed(name) }, options)
				: m.failed_payment_email_greeting_no_name({}, options),
			m.failed_payment_email_intro({ organisation, amount }, options),
			reason,
			m.failed_payment_email_nothing_lost({}, options),
			...(nextAttempt ? [m.failed_payment_email_retry({ date: nextAttempt }, options)] : []),
			isVipps
				? m.failed_payment_email_update_vipps({ organisation }, options)
				: m.failed_payment_email_update({}, options)
		],
		action: {
			label: isVipps
				? m.failed_payment_email_action_vipps({}, options)
				: m.failed_payment_email_action({}, options),
			url: content.updateCardUrl
		},
		footer: [
			isVipps
				? m.failed_payment_email_other_changes_vipps({}, options)
				: m.failed_payment_email_other_changes({}, options),
			m.failed_payment_email_footer_why({ organisation }, options),
			...(content.contactEmail
				? [m.failed_payment_email_footer_contact({ email: embed(content.contactEmail) }, options)]
				: [])
		]
	});
}

export interface FailedMonthlyPayment {
	supporterId: string;
	/** Stripe's invoice: one email per invoice, however often its payment fails or is reported. */
	invoiceId: string;
	amountMinor: number;
	currency: string;
	declineCode: string | null;
	nextAttemptAt: Date | null;
	/** The site's public origin, for the button's link. */
	origin: string;
	paidWith?: 'card' | 'vipps';
}

/**
 * Queues the email in the caller's transaction (the Stripe event's), in the supporter's own
 * language. A supporter without an email address, or erased, gets none; a second failure of the
 * same invoice, or the same event delivered again, queues nothing more.
 */
export async function queuePaymentFailedEmail(
	db: Db,
	payment: FailedMonthlyPayment
): Promise<string | null> {
	const recipient = await db
		.selectFrom(['supporter', 'organisation'])
		.select([
			'supporter.email',
			'supporter.name',
			'supporter.preferred_locale',
			'organisation.name as organisation_name',
			'organisation.contact_email'
		])
		.where('supporter.id', '=', payment.supporterId)
		.where('supporter.erased_at', 'is', null)
		.where('organisation.id', '=', 1)
		.executeTakeFirst();
	if (!recipient?.email) return null;
	const email = paymentFailedEmail({
		locale: recipient.preferred_locale,
		supporterName: recipient.name,
		organisationName: recipient.organisation_name,
		contactEmail: recipient.contact_email,
		amountMinor: payment.amountMinor,
		currency: payment.currency,
		declineCode: payment.declineCode,
		nextAttemptAt: payment.nextAttemptAt,
		updateCardUrl: await createSignInLink(db, payment.supporterId, { origin: payment.origin }),
		paidWith: payment.paidWith
	});
	return queueEmail(db, {
		...email,
		kind: 'payment_failed',
		to: recipient.email,
		locale: recipient.preferred_locale,
		supporterId: payment.supporterId,
		dedupeKey: `payment_failed:${payment.invoiceId}`
	});
}
