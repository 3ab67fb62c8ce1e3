import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql, type Kysely } from 'kysely';
import { migrateToLatest } from '../../src/lib/server/db/migrate.ts';
import type { Database, NewContribution, NewSupporter } from '../../src/lib/server/db/schema.ts';
import { recordGift, totalsBySupporter } from '../../src/lib/server/giving/contributions.ts';
import { upsertPlan } from '../../src/lib/server/giving/plans.ts';
import {
	editSupporter,
	loadSupporterProfile,
	type StaffActor
} from '../../src/lib/server/supporters/profile.ts';
import {
	findMergeCandidates,
	mergeSupporters,
	previewMerge
} from '../../src/lib/server/supporters/merge.ts';
import { eraseSupporter } from '../../src/lib/server/privacy/erasure.ts';
import { exportSupporterData } from '../../src/lib/server/privacy/export.ts';
import type { SupporterEdit } from '../../src/lib/supporters/supporter-form.ts';
import { engines, type TestDatabase } from './databases.ts';

const scriptText = '<script>alert(1)</script>';
const sqlText = "'); drop table supporter; --";

let serial = 0;
const unique = (prefix: string) => `${prefix}-${Date.now().toString(36)}-${++serial}`;

async function createStaff(db: Kysely<Database>): Promise<StaffActor> {
	const staff = await db
		.insertInto('staff_user')
		.values({
			email: `${unique('staff')}@dawatmedia.no`,
			name: 'Farida Staff',
			password_hash: 'not-a-real-hash',
			role: 'staff'
		})
		.returning('id')
		.executeTakeFirstOrThrow();
	return { staffUserId: staff.id, requestId: 'test-request' };
}

async function createSupporter(db: Kysely<Database>, values: Partial<NewSupporter>) {
	return db
		.insertInto('supporter')
		.values({ name: 'Someone', ...values })
		.returningAll()
		.executeTakeFirstOrThrow();
}

function gift(
	supporterId: string,
	overrides: Partial<NewContribution> & Pick<NewContribution, 'amount_minor' | 'currency'>
): NewContribution {
	return {
		supporter_id: supporterId,
		channel: 'bank_transfer',
		kind: 'one_off',
		status: 'succeeded',
		external_reference: unique('ref'),
		received_at: new Date('2026-10-01T10:00:00Z'),
		...overrides
	};
}

/** A supporter who gave by card, bank, Vipps and cash, in NOK and EUR, with a monthly plan. */
async function createGivingSupporter(
	db: Kysely<Database>,
	recordedBy: string | null,
	values: Partial<NewSupporter> = {}
) {
	const supporter = await createSupporter(db, values);
	const plan = await upsertPlan(db, {
		supporterId: supporter.id,
		channel: 'card',
		externalId: unique('sub'),
		amountMinor: 1500,
		currency: 'EUR',
		status: 'active',
		startedAt: new Date('2026-08-01T00:00:00Z'),
		canceledAt: null,
		cancelAtPeriodEnd: false,
		currentPeriodEnd: null
	});
	const gifts = [
		gift(supporter.id, {
			channel: 'card',
			kind: 'monthly',
			amount_minor: 1500,
			currency: 'EUR',
			recurring_plan_id: plan.id,
			received_at: new Date('2026-08-01T00:00:00Z'),
			dedication: 'In memory of my father'
		}),
		gift(supporter.id, {
			channel: 'card',
			kind: 'monthly',
			amount_minor: 1500,
			currency: 'EUR',
			recurring_plan_id: plan.id,
			received_at: new Date('2026-09-01T00:00:00Z')
		}),
		gift(supporter.id, {
			amount_minor: 50000,
			currency: 'NOK',
			received_at: new Date('2026-09-15T00:00:00Z'),
			note: 'KID 1234',
			recorded_by: recordedBy
		}),
		gift(supporter.id, {
			channel: 'vipps',
			amount_minor: 25000,
			currency: 'NOK',
			received_at: new Date('2026-10-02T00:00:00Z')
		}),
		gift(supporter.id, {
			channel: 'cash',
			amount_minor: 10000,
			currency: 'NOK',
			status: 'voided',
			void_reason: 'Counted twice',
			received_at: new Date('2026-10-03T00:00:00Z'),
			recorded_by: recordedBy
		}),
		gift(supporter.id, {
			channel: 'card',
			amount_minor: 3000,
			currency: 'EUR',
			status: 'failed',
			received_at: new Date('2026-10-04T00:00:00Z')
		})
	];
	for (const g of gifts) await recordGift(db, g);
	return { supporter, plan };
}

function editOf(values: Partial<SupporterEdit>): SupporterEdit {
	return {
		name: 'Someone',
		email: null,
		phone: null,
		country: null,
		preferredLocale: 'en',
		reference: null,
		tags: [],
		notes: '',
		hasContactConsent: false,
		...values
	};
}

const auditOf = (db: Kysely<Database>, entityId: string) =>
	db
		.selectFrom('audit_log')
		.selectAll()
		.where('entity_type', '=', 'supporter')
		.where('entity_id', '=', entityId)
		.orderBy('id')
		.execute();

describe.each(engines)('a supporter’s record on $name', ({ name, create, available }) => {
	let test: TestDatabase;
	let actor: StaffActor;

	beforeAll(async () => {
		if (!available) return;
		test = await create();
		await migrateToLatest(test.db);
		actor = await createStaff(test.db);
	});
	afterAll(async () => {
		await test?.drop();
	});

	it.skipIf(!available)(
		'shows every gift from every channel on one timeline, newest first, with totals per currency',
		async () => {
			const { supporter, plan } = await createGivingSupporter(test.db, actor.staffUserId);
			const lookup = await loadSupporterProfile(test.db, supporter.id);
			if (!lookup.found || lookup.mergedInto !== null) throw new Error('profile not found');
			const { timeline, totals, plans } = lookup.profile;

			expect(timeline.map((t) => [t.channel, t.status, t.amountMinor])).toEqual([
				['card', 'failed', 3000],
				['cash', 'voided', 10000],
				['vipps', 'succeeded', 25000],
				['bank_transfer', 'succeeded', 50000],
				['card', 'succeeded', 1500],
				['card', 'succeeded', 1500]
			]);
			expect(timeline[1]).toMatchObject({
				voidReason: 'Counted twice',
				recordedBy: { name: 'Farida Staff' }
			});
			expect(timeline[3]).toMatchObject({ note: 'KID 1234' });
			expect(timeline[4].recordedBy).toBeNull();
			// Succeeded only: the voided cash gift and the failed card payment count for nothing.
			expect(totals).toEqual([
				{ currency: 'EUR', totalMinor: 3000, count: 2 },
				{ currency: 'NOK', totalMinor: 75000, count: 2 }
			]);
			expect(plans.map((p) => p.id)).toEqual([plan.id]);
		}
	);

	it.skipIf(!available)(
		'answers for a merged supporter with the one it was merged into',
		async () => {
			const kept = await createSupporter(test.db, { name: 'Kept' });
			const other = await createSupporter(test.db, { name: 'Other' });
			await mergeSupporters(test.db, { keptId: kept.id, otherId: other.id }, actor);
			expect(await loadSupporterProfile(test.db, other.id)).toEqual({
				found: true,
				mergedInto: kept.id
			});
			expect(await loadSupporterProfile(test.db, 'not-a-uuid')).toEqual({ found: false });
		}
	);

	describe('merging two supporters', () => {
		it.skipIf(!available)(
			'moves every contribution and plan to the kept supporter and keeps the totals per currency',
			async () => {
				const kept = await createGivingSupporter(test.db, actor.staffUserId, {
					name: 'Laila Ahmadi',
					email: `${unique('laila')}@example.com`,
					tags: ['monthly', 'Oslo'],
					notes: 'Met at the Oslo event.'
				});
				const otherEmail = `${unique('l.ahmadi')}@example.org`;
				const other = await createGivingSupporter(test.db, actor.staffUserId, {
					name: 'L. Ahmadi',
					email: otherEmail,
					phone: '+47 912 34 567',
					reference: unique('KID'),
					stripe_customer_id: unique('cus'),
					tags: ['oslo', 'press'],
					notes: 'Prefers Dari.'
				});
				const totalsBefore = [
					...(await totalsBySupporter(test.db, kept.supporter.id)),
					...(await totalsBySupporter(test.db, other.supporter.id))
				];

				const result = await mergeSupporters(
					test.db,
					{ keptId: kept.supporter.id, otherId: other.supporter.id },
					actor
				);
				if (!result.ok) throw new Error(result.reason);

				const left = await test.db
					.selectFrom('contribution')
					.select(sql<number>`count(*)::int`.as('n'))
					.where('supporter_id', '=', other.supporter.id)
					.executeTakeFirstOrThrow();
				expect(left.n).toBe(0);
				expect(result.movedContributionIds).toHaveLength(6);
				expect(result.movedPlanIds).toEqual([other.plan.id]);
				const plans = await test.db
					.selectFrom('recurring_plan')
					.select('supporter_id')
					.where('id', 'in', [kept.plan.id, other.plan.id])
					.execute();
				expect(plans.every((p) => p.supporter_id === kept.supporter.id)).toBe(true);

				// The same gifts, added up per currency, before and after.
				const sumPerCurrency = (totals: { currency: string; totalMinor: number }[]) =>
					totals.reduce<Record<string, number>>((sums, t) => {
						sums[t.currency] = (sums[t.currency] ?? 0) + t.totalMinor;
						return sums;
					}, {});
				expect(sumPerCurrency(await totalsBySupporter(test.db, kept.supporter.id))).toEqual(
					sumPerCurrency(totalsBefore)
				);
				expect(sumPerCurrency(totalsBefore)).toEqual({ EUR: 6000, NOK: 150000 });

				expect(result.kept).toMatchObject({
					name: 'Laila Ahmadi',
					email: kept.supporter.email,
					phone: '+47 912 34 567',
					reference: other.supporter.reference,
					stripe_customer_id: other.supporter.stripe_customer_id,
					tags: ['monthly', 'Oslo', 'press'],
					notes: 'Met at the Oslo event.\n\nPrefers Dari.'
				});
				const merged = await test.db
					.selectFrom('supporter')
					.selectAll()
					.where('id', '=', other.supporter.id)
					.executeTakeFirstOrThrow();
				expect(merged).toMatchObject({
					merged_into: kept.supporter.id,
					email: null,
					reference: null,
					stripe_customer_id: null,
					name: 'L. Ahmadi'
				});
				expect(result.outcome.unmovedIdentifiers).toEqual(['email']);
			}
		);

		it.skipIf(!available)('records the merge with both ids and what moved', async () => {
			const kept = await createGivingSupporter(test.db, null, { name: 'Kept Audit' });
			const other = await createGivingSupporter(test.db, null, { name: 'Other Audit' });
			const result = await mergeSupporters(
				test.db,
				{ keptId: kept.supporter.id, otherId: other.supporter.id },
				actor
			);
			if (!result.ok) throw new Error(result.reason);

			const [entry] = await auditOf(test.db, kept.supporter.id);
			expect(entry).toMatchObject({
				action: 'supporter.merge',
				staff_user_id: actor.staffUserId,
				request_id: 'test-request',
				before: {
					kept: { id: kept.supporter.id, name: 'Kept Audit' },
					other: { id: other.supporter.id, name: 'Other Audit' }
				},
				after: {
					keptId: kept.supporter.id,
					otherId: other.supporter.id,
					movedPlanIds: [other.plan.id]
				}
			});
			expect((entry.after as { movedContributionIds: string[] }).movedContributionIds).toEqual(
				expect.arrayContaining(result.movedContributionIds)
			);
			const [pointer] = await auditOf(test.db, other.supporter.id);
			expect(pointer).toMatchObject({
				action: 'supporter.merged_into',
				after: { merged_into: kept.supporter.id }
			});
		});

		it.skipIf(!available)('refuses to merge a supporter into itself', async () => {
			const supporter = await createSupporter(test.db, { name: 'Alone' });
			const result = await mergeSupporters(
				test.db,
				{ keptId: supporter.id, otherId: supporter.id },
				actor
			);
			expect(result).toEqual({ ok: false, reason: 'same_supporter' });
			expect(await previewMerge(test.db, supporter.id, supporter.id)).toEqual({
				ok: false,
				reason: 'same_supporter'
			});
		});

		it.skipIf(!available)(
			'refuses to merge with a supporter already merged, either way round, and writes nothing',
			async () => {
				const kept = await createSupporter(test.db, { name: 'First' });
				const merged = await createSupporter(test.db, { name: 'Second' });
				const third = await createGivingSupporter(test.db, null, { name: 'Third' });
				await mergeSupporters(test.db, { keptId: kept.id, otherId: merged.id }, actor);
				const auditCount = async () =>
					(
						await test.db
							.selectFrom('audit_log')
							.select(sql<number>`count(*)::int`.as('n'))
							.executeTakeFirstOrThrow()
					).n;
				const before = await auditCount();

				for (const pair of [
					{ keptId: third.supporter.id, otherId: merged.id },
					{ keptId: merged.id, otherId: third.supporter.id }
				]) {
					expect(await mergeSupporters(test.db, pair, actor)).toEqual({
						ok: false,
						reason: 'already_merged'
					});
				}
				expect(await auditCount()).toBe(before);
				expect(await totalsBySupporter(test.db, third.supporter.id)).toHaveLength(2);
			}
		);

		it.skipIf(!available)(
			'points records merged earlier straight at the supporter now kept',
			async () => {
				const first = await createSupporter(test.db, { name: 'Chain one' });
				const second = await createSupporter(test.db, { name: 'Chain two' });
				const third = await createSupporter(test.db, { name: 'Chain three' });
				await mergeSupporters(test.db, { keptId: second.id, otherId: first.id }, actor);
				await mergeSupporters(test.db, { keptId: third.id, otherId: second.id }, actor);
				expect(await loadSupporterProfile(test.db, first.id)).toEqual({
					found: true,
					mergedInto: third.id
				});
			}
		);

		it.skipIf(!available)(
			'finds supporters to merge with by name, email or reference',
			async () => {
				const page = await createSupporter(test.db, { name: 'Zarghuna Page' });
				const email = `${unique('zarghuna')}@example.com`;
				const match = await createSupporter(test.db, { name: 'Z. Karimi', email });
				const found = await findMergeCandidates(test.db, email.toUpperCase(), page.id);
				expect(found.map((c) => c.id)).toEqual([match.id]);
				// LIKE's wildcards are taken literally.
				expect(await findMergeCandidates(test.db, '%', page.id)).toEqual([]);
			}
		);
	});

	describe('erasing a supporter', () => {
		it.skipIf(!available)('removes every personal field and keeps every amount', async () => {
			const email = `${unique('erase.me')}@example.com`;
			const customerId = unique('cus');
			const { supporter } = await createGivingSupporter(test.db, actor.staffUserId, {
				name: 'Erase Me',
				email,
				phone: '+47 400 00 000',
				country: 'NO',
				reference: unique('KID'),
				stripe_customer_id: customerId,
				preferred_locale: 'ps',
				notes: 'Lives in Bergen.',
				tags: ['major donor'],
				has_contact_consent: true,
				contact_consent_at: new Date('2026-01-01T00:00:00Z')
			});
			const formerRecord = await createGivingSupporter(test.db, null, {
				name: 'Erase Me (old)',
				phone: '+47 400 00 001'
			});
			await mergeSupporters(
				test.db,
				{ keptId: supporter.id, otherId: formerRecord.supporter.id },
				actor
			);
			await editSupporter(
				test.db,
				supporter.id,
				editOf({ name: 'Erase Me Again', email, phone: '+47 400 00 000' }),
				actor
			);
			await test.db
				.insertInto('checkout_attempt')
				.values({
					kind: 'one_off',
					currency: 'NOK',
					amount_minor: 25000,
					email: email.toUpperCase(),
					name: 'Erase Me',
					dedication: 'For the newsroom'
				})
				.execute();
			// Stripe's events as received: one about them (by customer, with their email in another
			// case), one about somebody else.
			const storedEvent = (id: string, object: object) => ({
				id,
				type: 'checkout.session.completed',
				stripe_created_at: new Date('2026-11-01T12:00:00Z'),
				status: 'processed' as const,
				payload: JSON.stringify({
					id,
					type: 'checkout.session.completed',
					created: 1,
					data: { object }
				})
			});
			const theirEvent = unique('evt');
			const otherEvent = unique('evt');
			await test.db
				.insertInto('stripe_event')
				.values([
					storedEvent(theirEvent, {
						customer: customerId,
						customer_details: { email: email.toUpperCase(), name: 'Erase Me' }
					}),
					storedEvent(otherEvent, {
						customer: 'cus_someone_else',
						customer_details: { name: 'Kari' }
					})
				])
				.execute();
			const amountsOf = () =>
				test.db
					.selectFrom('contribution')
					.select(['id', 'amount_minor', 'currency', 'status', 'refunded_minor', 'note'])
					.where('supporter_id', '=', supporter.id)
					.orderBy('id')
					.execute();
			const amountsBefore = await amountsOf();
			const totalsBefore = await totalsBySupporter(test.db, supporter.id);

			const result = await eraseSupporter(test.db, supporter.id, actor);
			expect(result).toMatchObject({ ok: true, contributionCount: 12, planCount: 2 });

			expect(await amountsOf()).toEqual(amountsBefore);
			expect(await totalsBySupporter(test.db, supporter.id)).toEqual(totalsBefore);
			const records = await test.db
				.selectFrom('supporter')
				.selectAll()
				.where('id', 'in', [supporter.id, formerRecord.supporter.id])
				.execute();
			for (const record of records) {
				expect(record).toMatchObject({
					name: '',
					email: null,
					phone: null,
					country: null,
					reference: null,
					stripe_customer_id: null,
					notes: '',
					tags: [],
					has_contact_consent: false,
					contact_consent_at: null
				});
				expect(record.erased_at).toBeInstanceOf(Date);
			}
			const dedications = await test.db
				.selectFrom('contribution')
				.select('dedication')
				.where('supporter_id', '=', supporter.id)
				.where('dedication', '<>', '')
				.execute();
			expect(dedications).toEqual([]);
			const attempt = await test.db
				.selectFrom('checkout_attempt')
				.select(['email', 'name', 'dedication'])
				.where('amount_minor', '=', 25000)
				.where('name', '=', '')
				.execute();
			expect(attempt).toContainEqual({ email: '', name: '', dedication: '' });
			const events = await test.db
				.selectFrom('stripe_event')
				.select(['id', 'status', 'payload'])
				.where('id', 'in', [theirEvent, otherEvent])
				.orderBy(sql`id = ${otherEvent}`)
				.execute();
			expect(events[0]).toEqual({
				id: theirEvent,
				status: 'processed',
				payload: { id: theirEvent, type: 'checkout.session.completed', created: 1, erased: true }
			});
			expect(JSON.stringify(events[1].payload)).toContain('Kari');

			// The audit log tells who erased whom and when, and holds none of what was erased.
			const log = JSON.stringify(
				await test.db
					.selectFrom('audit_log')
					.select(['before', 'after'])
					.where('entity_id', 'in', [supporter.id, formerRecord.supporter.id])
					.execute()
			);
			for (const personal of ['Erase Me', email, '+47 400 00 00', 'Bergen', 'major donor']) {
				expect(log).not.toContain(personal);
			}
			const entries = await auditOf(test.db, supporter.id);
			expect(entries.map((e) => e.action)).toEqual([
				'supporter.merge',
				'supporter.update',
				'supporter.erase'
			]);
			expect(entries[2]).toMatchObject({
				staff_user_id: actor.staffUserId,
				before: { contributionCount: 12, mergedRecordIds: [formerRecord.supporter.id] }
			});
		});

		it.skipIf(!available)('refuses to erase a supporter twice', async () => {
			const supporter = await createSupporter(test.db, { name: 'Once' });
			expect(await eraseSupporter(test.db, supporter.id, actor)).toMatchObject({ ok: true });
			expect(await eraseSupporter(test.db, supporter.id, actor)).toEqual({
				ok: false,
				reason: 'already_erased'
			});
		});
	});

	describe('editing a supporter', () => {
		it.skipIf(!available)(
			'refuses an email another supporter has, whatever its case, and names that supporter',
			async () => {
				const email = `${unique('taken')}@example.com`;
				const holder = await createSupporter(test.db, { name: 'Holder', email });
				const editor = await createSupporter(test.db, { name: 'Editor' });
				const result = await editSupporter(
					test.db,
					editor.id,
					editOf({ name: 'Editor', email: email.toUpperCase() }),
					actor
				);
				expect(result).toEqual({
					ok: false,
					reason: 'invalid',
					errors: { email: 'email_taken' },
					conflictingSupporterId: holder.id
				});
				const unchanged = await test.db
					.selectFrom('supporter')
					.select('email')
					.where('id', '=', editor.id)
					.executeTakeFirstOrThrow();
				expect(unchanged.email).toBeNull();
				expect(await auditOf(test.db, editor.id)).toEqual([]);
			}
		);

		// A second connection holds the email uncommitted, so the edit passes its own check and
		// meets the unique index: PostgreSQL only, PGlite has one connection.
		it.skipIf(!available || name !== 'PostgreSQL')(
			'tells the later of two edits racing for one email that it is taken',
			async () => {
				const email = `${unique('race')}@example.com`;
				const first = await createSupporter(test.db, { name: 'Racer one' });
				const second = await createSupporter(test.db, { name: 'Racer two' });
				const holding = await test.db.startTransaction().execute();
				await holding.updateTable('supporter').set({ email }).where('id', '=', first.id).execute();
				const edit = editSupporter(test.db, second.id, editOf({ name: 'Racer two', email }), actor);
				await new Promise((resolve) => setTimeout(resolve, 300));
				await holding.commit().execute();
				expect(await edit).toEqual({
					ok: false,
					reason: 'invalid',
					errors: { email: 'email_taken' },
					conflictingSupporterId: first.id
				});
			}
		);

		it.skipIf(!available)('refuses a reference another supporter has', async () => {
			const reference = unique('KID');
			const holder = await createSupporter(test.db, { name: 'Holder', reference });
			const editor = await createSupporter(test.db, { name: 'Editor' });
			const result = await editSupporter(test.db, editor.id, editOf({ reference }), actor);
			expect(result).toMatchObject({
				ok: false,
				errors: { reference: 'reference_taken' },
				conflictingSupporterId: holder.id
			});
		});

		it.skipIf(!available)(
			'dates contact consent when given, keeps the date while it stays, clears it when withdrawn',
			async () => {
				const supporter = await createSupporter(test.db, { name: 'Consent' });
				const given = await editSupporter(
					test.db,
					supporter.id,
					editOf({ name: 'Consent', hasContactConsent: true }),
					actor
				);
				if (!given.ok) throw new Error(given.reason);
				expect(given.supporter.contact_consent_at).toBeInstanceOf(Date);
				const kept = await editSupporter(
					test.db,
					supporter.id,
					editOf({
						name: 'Consent',
						notes: 'Still happy to hear from us',
						hasContactConsent: true
					}),
					actor
				);
				if (!kept.ok) throw new Error(kept.reason);
				expect(kept.supporter.contact_consent_at).toEqual(given.supporter.contact_consent_at);
				const withdrawn = await editSupporter(
					test.db,
					supporter.id,
					editOf({ name: 'Consent' }),
					actor
				);
				if (!withdrawn.ok) throw new Error(withdrawn.reason);
				expect(withdrawn.supporter).toMatchObject({
					has_contact_consent: false,
					contact_consent_at: null
				});
			}
		);

		it.skipIf(!available)('records only what changed, before and after', async () => {
			const supporter = await createSupporter(test.db, { name: 'Before', country: 'NO' });
			await editSupporter(
				test.db,
				supporter.id,
				editOf({ name: 'After', country: 'NO', tags: ['press'] }),
				actor
			);
			const [entry] = await auditOf(test.db, supporter.id);
			expect(entry).toMatchObject({
				action: 'supporter.update',
				staff_user_id: actor.staffUserId,
				before: { name: 'Before', tags: [] },
				after: { name: 'After', tags: ['press'] }
			});
			expect(Object.keys(entry.after as object).sort()).toEqual(['name', 'tags']);
		});
	});

	it.skipIf(!available)(
		'keeps names, notes and tags with script tags and SQL as inert text',
		async () => {
			const supporter = await createSupporter(test.db, { name: 'Plain' });
			const result = await editSupporter(
				test.db,
				supporter.id,
				editOf({
					name: scriptText,
					notes: `${sqlText}\n${scriptText}`,
					tags: [sqlText, scriptText, '{"quoted", tag}'],
					reference: null
				}),
				actor
			);
			if (!result.ok) throw new Error(result.reason);
			const other = await createSupporter(test.db, { name: sqlText, notes: scriptText });

			const found = await findMergeCandidates(test.db, sqlText, supporter.id);
			expect(found.map((c) => c.id)).toEqual([other.id]);
			await mergeSupporters(test.db, { keptId: supporter.id, otherId: other.id }, actor);

			const lookup = await loadSupporterProfile(test.db, supporter.id);
			if (!lookup.found || lookup.mergedInto !== null) throw new Error('profile not found');
			expect(lookup.profile.supporter).toMatchObject({
				name: scriptText,
				notes: `${sqlText}\n${scriptText}\n\n${scriptText}`,
				tags: [sqlText, scriptText, '{"quoted", tag}']
			});
			const tables = await sql<{ table_name: string }>`
				select table_name from information_schema.tables
				where table_schema = 'public' and table_name in ('supporter', 'contribution')`.execute(test.db);
			expect(tables.rows).toHaveLength(2);
			const exported = await exportSupporterData(test.db, supporter.id, actor);
			if (!exported.ok || exported.mergedInto !== null) throw new Error('no export');
			expect(JSON.parse(JSON.stringify(exported.data)).supporter.name).toBe(scriptText);
		}
	);

	it.skipIf(!available)(
		'exports a supporter’s profile, gifts, plans and merged records, and records that it was taken',
		async () => {
			const { supporter, plan } = await createGivingSupporter(test.db, actor.staffUserId, {
				name: 'Access Request',
				email: `${unique('access')}@example.com`
			});
			const former = await createGivingSupporter(test.db, null, { name: 'Access (old)' });
			await mergeSupporters(test.db, { keptId: supporter.id, otherId: former.supporter.id }, actor);

			const result = await exportSupporterData(test.db, supporter.id, actor);
			if (!result.ok || result.mergedInto !== null) throw new Error('no export');
			expect(result.data.supporter).toMatchObject({ id: supporter.id, name: 'Access Request' });
			expect(result.data.mergedRecords).toMatchObject([{ name: 'Access (old)' }]);
			expect(result.data.contributions).toHaveLength(12);
			expect(result.data.contributions[0]).not.toHaveProperty('recorded_by');
			expect(result.data.recurringPlans.map((p) => p.id).sort()).toEqual(
				[plan.id, former.plan.id].sort()
			);
			const entries = await auditOf(test.db, supporter.id);
			expect(entries.at(-1)).toMatchObject({
				action: 'supporter.export',
				staff_user_id: actor.staffUserId,
				after: { contributionCount: 12, planCount: 2 }
			});
			expect(await exportSupporterData(test.db, former.supporter.id, actor)).toEqual({
				ok: true,
				mergedInto: supporter.id
			});
		}
	);
});
