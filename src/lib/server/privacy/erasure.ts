import { sql, type Kysely, type Transaction } from 'kysely';
import type { Database } from '../db/schema.ts';
import { eraseGiftDedications } from '../giving/contributions.ts';
import { recordAudit } from '../organisation/audit.ts';
import { isSupporterId, type StaffActor } from '../supporters/profile.ts';
import { escapeLike } from '../db/keyset.ts';
import { endSupporterAccess } from '../self-service/session.ts';

// Erasure on a supporter's request (GDPR article 17): their personal data goes, their gifts and
// plans stay with every amount, because the accounts must still add up. What is removed:
// - on the supporter and every record merged into it: name, email, phone, country, reference,
//   notes, tags, contact consent, preferred language, and the Stripe customer id. The customer id
//   is itself personal data (it opens the person's details at Stripe) and nothing needs it later:
//   events for an existing monthly gift find their plan by the subscription id, refunds and
//   disputes find their gift by the payment id, and a new gift by the same person should start a
//   new record rather than join an erased one;
// - the dedication on each of their gifts (the gift's note, staff's bookkeeping, stays);
// - name, email and dedication on their checkout attempts;
// - their fødselsnummer or D-nummer for the tax deduction, and their sessions and sign-in links
//   on /my;
// - the messages to them in the mail queue (the outbox), sent or not;
// - the body of every stored Stripe event that names their customer id or email (id, type and
//   time stay, so the event still counts as handled);
// - earlier audit entries about them keep who did what and when, with the personal values
//   replaced by "[erased]"; the erasure's own entry holds only counts and ids.

/** Keys whose values are a supporter's personal data wherever they appear in an audit entry. */
const personalKeys = new Set([
	'name',
	'email',
	'phone',
	'country',
	'reference',
	'notes',
	'tags',
	'dedication',
	'stripe_customer_id',
	'preferred_locale'
]);

export const ERASED_MARK = '[erased]';

/** A copy of an audit entry's before/after with every personal value replaced. */
export function redactPersonalData(value: unknown): unknown {
	if (Array.isArray(value)) return value.map(redactPersonalData);
	if (value === null || typeof value !== 'object') return value;
	return Object.fromEntries(
		Object.entries(value).map(([key, inner]) => {
			if (!personalKeys.has(key)) return [key, redactPersonalData(inner)];
			const isEmpty =
				inner === null || inner === '' || (Array.isArray(inner) && inner.length === 0);
			return [key, isEmpty ? inner : ERASED_MARK];
		})
	);
}

export type ErasureResult =
	| { ok: false; reason: 'not_found' | 'merged' | 'already_erased' }
	| { ok: true; erasedSupporterIds: string[]; contributionCount: number; planCount: number };

export async function eraseSupporter(
	db: Kysely<Database>,
	id: string,
	actor: StaffActor
): Promise<ErasureResult> {
	return db.transaction().execute(async (trx): Promise<ErasureResult> => {
		if (!isSupporterId(id)) return { ok: false, reason: 'not_found' };
		const supporter = await trx
			.selectFrom('supporter')
			.select(['id', 'merged_into', 'erased_at'])
			.where('id', '=', id)
			.forUpdate()
			.executeTakeFirst();
		if (!supporter) return { ok: false, reason: 'not_found' };
		if (supporter.merged_into) return { ok: false, reason: 'merged' };
		if (supporter.erased_at) return { ok: false, reason: 'already_erased' };

		const records = await trx
			.selectFrom('supporter')
			.select(['id', 'email', 'stripe_customer_id'])
			.where((eb) => eb.or([eb('id', '=', id), eb('merged_into', '=', id)]))
			.forUpdate()
			.execute();
		const ids = records.map((r) => r.id);
		const emails = records.flatMap((r) => (r.email ? [r.email.toLowerCase()] : []));
		const customerIds = records.flatMap((r) =>
			r.stripe_customer_id ? [r.stripe_customer_id] : []
		);

		const scope = await describeErasure(trx, id);

		await trx
			.updateTable('supporter')
			.set({
				name: '',
				email: null,
				phone: null,
				country: null,
				reference: null,
				notes: '',
				tags: sql<string[]>`'{}'::text[]`,
				stripe_customer_id: null,
				has_contact_consent: false,
				contact_consent_at: null,
				preferred_locale: 'en',
				erased_at: sql<Date>`now()`,
				updated_at: sql`now()`
			})
			.where('id', 'in', ids)
			.execute();
		await eraseGiftDedications(trx, ids);
		const removedTaxIdentities = Number(
			(
				await trx
					.deleteFrom('supporter_tax_identity')
					.where('supporter_id', 'in', ids)
					.executeTakeFirst()
			).numDeletedRows
		);
		await endSupporterAccess(trx, ids);
		const clearedAttempts =
			emails.length === 0
				? 0
				: Number(
						(
							await trx
								.updateTable('checkout_attempt')
								.set({ email: '', name: '', dedication: '', updated_at: sql`now()` })
								.where(sql<string>`lower(email)`, 'in', emails)
								.executeTakeFirst()
						).numUpdatedRows
					) +
					// The Vipps payments they started hold the same choices.
					Number(
						(
							await trx
								.updateTable('vipps_payment')
								.set({ email: '', name: '', dedication: '', updated_at: sql`now()` })
								.where(sql<string>`lower(email)`, 'in', emails)
								.executeTakeFirst()
						).numUpdatedRows
					);

		// Their mail (receipts, sign-in links) names and addresses them: it goes from the outbox.
		const deletedEmails = Number(
			(
				await trx
					.deleteFrom('email_message')
					.where((eb) =>
						eb.or([
							eb('supporter_id', 'in', ids),
							...(emails.length > 0 ? [eb(sql<string>`lower(to_address)`, 'in', emails)] : [])
						])
					)
					.executeTakeFirst()
			).numDeletedRows
		);

		// Stripe's events as received name the customer and their email. Each one that does keeps
		// its id, type and time (so a redelivery or stripe:sync still sees it handled) and loses the
		// rest. A text search over the table: slow on a big table, but erasure is rare.
		const needles = [...customerIds, ...emails];
		const scrubbedEvents =
			needles.length === 0
				? 0
				: Number(
						(
							await trx
								.updateTable('stripe_event')
								.set({
									payload: sql`jsonb_build_object('id', payload->'id', 'type', payload->'type',
										'created', payload->'created', 'erased', true)`
								})
								.where((eb) =>
									eb.or(
										needles.map((needle) =>
											eb(
												sql<string>`lower(payload::text)`,
												'like',
												`%${escapeLike(needle.toLowerCase())}%`
											)
										)
									)
								)
								.executeTakeFirst()
						).numUpdatedRows
					);

		const entries = await trx
			.selectFrom('audit_log')
			.select(['id', 'before', 'after'])
			.where('entity_type', '=', 'supporter')
			.where('entity_id', 'in', ids)
			.execute();
		for (const entry of entries) {
			await trx
				.updateTable('audit_log')
				.set({
					before: entry.before === null ? null : JSON.stringify(redactPersonalData(entry.before)),
					after: entry.after === null ? null : JSON.stringify(redactPersonalData(entry.after))
				})
				.where('id', '=', entry.id)
				.execute();
		}

		await recordAudit(trx, {
			staffUserId: actor.staffUserId,
			requestId: actor.requestId,
			action: 'supporter.erase',
			entityType: 'supporter',
			entityId: id,
			before: {
				contributionCount: scope.contributionCount,
				planCount: scope.planCount,
				mergedRecordIds: ids.filter((other) => other !== id)
			},
			after: {
				erased: true,
				checkoutAttemptsCleared: clearedAttempts,
				taxIdentitiesRemoved: removedTaxIdentities,
				emailsDeleted: deletedEmails,
				stripeEventsScrubbed: scrubbedEvents,
				auditEntriesRedacted: entries.length
			}
		});
		return {
			ok: true,
			erasedSupporterIds: ids,
			contributionCount: scope.contributionCount,
			planCount: scope.planCount
		};
	});
}

export interface ErasureScope {
	contributionCount: number;
	planCount: number;
	/** Plans still taking money (active, past due or paused): erasure does not stop them. */
	livePlanCount: number;
}

/** What an erasure of this supporter would leave in place, for the confirmation screen. */
export async function describeErasure(
	db: Kysely<Database> | Transaction<Database>,
	id: string
): Promise<ErasureScope> {
	const ids = db
		.selectFrom('supporter')
		.select('id')
		.where((eb) => eb.or([eb('id', '=', id), eb('merged_into', '=', id)]));
	const [contributions, plans] = await Promise.all([
		db
			.selectFrom('contribution')
			.select(sql<number>`count(*)::int`.as('n'))
			.where('supporter_id', 'in', ids)
			.executeTakeFirstOrThrow(),
		db
			.selectFrom('recurring_plan')
			.select([
				sql<number>`count(*)::int`.as('n'),
				sql<number>`(count(*) filter (where status <> 'canceled'))::int`.as('live')
			])
			.where('supporter_id', 'in', ids)
			.executeTakeFirstOrThrow()
	]);
	return { contributionCount: contributions.n, planCount: plans.n, livePlanCount: plans.live };
}
