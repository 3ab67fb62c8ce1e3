import { sql, type Kysely, type Transaction } from 'kysely';
import type { Database, RecurringPlan, Supporter } from '../db/schema.ts';
import { totalsBySupporter, type CurrencyTotal } from '../giving/contributions.ts';
import { toGiftSummary } from '../giving/gift-summary.ts';
import { recordAudit } from '../organisation/audit.ts';
import type {
	SupporterEdit,
	SupporterField,
	SupporterFieldError
} from '../../supporters/supporter-form.ts';

type Db = Kysely<Database> | Transaction<Database>;

/** Who does an admin write, for the audit log. */
export interface StaffActor {
	staffUserId: string | null;
	requestId?: string | null;
}

const uuidShape = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Whether a route parameter can be a supporter id (anything else is simply not found). */
export function isSupporterId(value: string): boolean {
	return uuidShape.test(value);
}

/** One gift on a supporter's timeline, whatever channel brought it. */
export interface TimelineEntry {
	id: string;
	receivedAt: Date;
	channel: Database['contribution']['channel'];
	kind: Database['contribution']['kind'];
	amountMinor: number;
	currency: string;
	refundedMinor: number;
	status: Database['contribution']['status'];
	externalReference: string | null;
	note: string;
	dedication: string;
	voidReason: string | null;
	recurringPlanId: string | null;
	/** The staff member who typed it in, when it was recorded by hand. */
	recordedBy: { name: string; email: string } | null;
	/** The import that brought it, when it came from a bank or Vipps file. */
	importFileName: string | null;
}

export interface SupporterProfile {
	supporter: Supporter;
	/** Succeeded gifts per currency; currencies are never added together. */
	totals: CurrencyTotal[];
	/** Newest first. */
	timeline: TimelineEntry[];
	/** True when the timeline was cut at TIMELINE_LIMIT entries. */
	isTimelineCut: boolean;
	plans: RecurringPlan[];
}

export type SupporterLookup =
	| { found: false }
	| { found: true; mergedInto: string }
	| { found: true; mergedInto: null; profile: SupporterProfile };

export const TIMELINE_LIMIT = 1000;

export async function findSupporterById(db: Db, id: string): Promise<Supporter | undefined> {
	if (!isSupporterId(id)) return undefined;
	return db.selectFrom('supporter').selectAll().where('id', '=', id).executeTakeFirst();
}

/** Every gift of a supporter from every channel, newest first. */
export async function listSupporterTimeline(
	db: Db,
	supporterId: string,
	limit = TIMELINE_LIMIT
): Promise<TimelineEntry[]> {
	const rows = await db
		.selectFrom('contribution as c')
		.leftJoin('staff_user as s', 's.id', 'c.recorded_by')
		.leftJoin('import_batch as b', 'b.id', 'c.import_batch_id')
		.select([
			'c.id',
			'c.received_at',
			'c.is_date_only',
			'c.channel',
			'c.kind',
			'c.amount_minor',
			'c.currency',
			'c.refunded_minor',
			'c.status',
			'c.external_reference',
			'c.note',
			'c.dedication',
			'c.void_reason',
			'c.recurring_plan_id',
			's.name as recorder_name',
			's.email as recorder_email',
			'b.file_name as import_file_name'
		])
		.where('c.supporter_id', '=', supporterId)
		.orderBy('c.received_at', 'desc')
		.orderBy('c.id', 'desc')
		.limit(limit)
		.execute();
	return rows.map((row) => ({
		...toGiftSummary(row),
		externalReference: row.external_reference,
		note: row.note,
		dedication: row.dedication,
		voidReason: row.void_reason,
		recurringPlanId: row.recurring_plan_id,
		recordedBy:
			row.recorder_email !== null
				? { name: row.recorder_name ?? '', email: row.recorder_email }
				: null,
		importFileName: row.import_file_name
	}));
}

export async function listSupporterPlans(db: Db, supporterId: string): Promise<RecurringPlan[]> {
	return (
		db
			.selectFrom('recurring_plan')
			.selectAll()
			.where('supporter_id', '=', supporterId)
			// Live plans first, then the newest.
			.orderBy(sql`case when status = 'canceled' then 1 else 0 end`)
			.orderBy('started_at', 'desc')
			.execute()
	);
}

/**
 * Everything the supporter page shows. A merged supporter answers with the one it was merged
 * into, so old links land on the record that now holds the gifts.
 */
export async function loadSupporterProfile(db: Db, id: string): Promise<SupporterLookup> {
	const supporter = await findSupporterById(db, id);
	if (!supporter) return { found: false };
	if (supporter.merged_into) return { found: true, mergedInto: supporter.merged_into };
	const [totals, timeline, plans] = await Promise.all([
		totalsBySupporter(db, id),
		listSupporterTimeline(db, id, TIMELINE_LIMIT + 1),
		listSupporterPlans(db, id)
	]);
	return {
		found: true,
		mergedInto: null,
		profile: {
			supporter,
			totals,
			timeline: timeline.slice(0, TIMELINE_LIMIT),
			isTimelineCut: timeline.length > TIMELINE_LIMIT,
			plans
		}
	};
}

/** The customer in Stripe's dashboard; test-mode keys see test-mode customers. */
export function stripeCustomerUrl(customerId: string, secretKey: string | undefined): string {
	const mode =
		secretKey?.startsWith('sk_test_') || secretKey?.startsWith('rk_test_') ? '/test' : '';
	return `https://dashboard.stripe.com${mode}/customers/${encodeURIComponent(customerId)}`;
}

/** The editable part of a supporter, as the audit log records it. */
function editableSnapshot(supporter: Supporter) {
	return {
		name: supporter.name,
		email: supporter.email,
		phone: supporter.phone,
		country: supporter.country,
		preferred_locale: supporter.preferred_locale,
		reference: supporter.reference,
		tags: supporter.tags,
		notes: supporter.notes,
		has_contact_consent: supporter.has_contact_consent,
		contact_consent_at: supporter.contact_consent_at,
		contact_consent_withdrawn_at: supporter.contact_consent_withdrawn_at
	};
}

type Snapshot = ReturnType<typeof editableSnapshot>;

/** Only the fields that differ, before and after: the audit log keeps no needless copies. */
function changedFields(before: Snapshot, after: Snapshot) {
	const was: Partial<Snapshot> = {};
	const now: Partial<Snapshot> = {};
	for (const key of Object.keys(before) as (keyof Snapshot)[]) {
		if (JSON.stringify(before[key]) !== JSON.stringify(after[key])) {
			(was as Record<string, unknown>)[key] = before[key];
			(now as Record<string, unknown>)[key] = after[key];
		}
	}
	return { was, now };
}

export type SupporterEditResult =
	| { ok: true; supporter: Supporter }
	| { ok: false; reason: 'not_found' | 'merged' | 'erased' }
	| {
			ok: false;
			reason: 'invalid';
			errors: Partial<Record<SupporterField, SupporterFieldError>>;
			/** The supporter who already has the email or reference, for a link to them. */
			conflictingSupporterId: string;
	  };

class IdentifierTaken extends Error {
	field: 'email' | 'reference';
	supporterId: string;
	constructor(field: 'email' | 'reference', supporterId: string) {
		super(`${field} belongs to supporter ${supporterId}`);
		this.field = field;
		this.supporterId = supporterId;
	}
}

const isUniqueViolation = (error: unknown, constraint: string) =>
	(error as { code?: string } | null)?.code === '23505' &&
	(error as { constraint?: string }).constraint === constraint;

async function holderOf(db: Db, field: 'email' | 'reference', value: string, exceptId: string) {
	const column = field === 'email' ? sql<string>`lower(email)` : sql<string>`reference`;
	const holder = await db
		.selectFrom('supporter')
		.select('id')
		.where(column, '=', field === 'email' ? value.toLowerCase() : value)
		.where('id', '<>', exceptId)
		.executeTakeFirst();
	return holder?.id;
}

/**
 * Saves staff's edit of a supporter with its audit entry. Contact consent keeps its date while it
 * stays given, gets today's when newly given (with no wording: staff heard it, the supporter saw
 * no words of ours), and loses it when withdrawn, which is then dated. An email (any case) or
 * reference another supporter has is refused with a field error naming that supporter.
 */
export async function editSupporter(
	db: Kysely<Database>,
	id: string,
	edit: SupporterEdit,
	actor: StaffActor
): Promise<SupporterEditResult> {
	try {
		return await db.transaction().execute(async (trx): Promise<SupporterEditResult> => {
			if (!isSupporterId(id)) return { ok: false, reason: 'not_found' };
			const before = await trx
				.selectFrom('supporter')
				.selectAll()
				.where('id', '=', id)
				.forUpdate()
				.executeTakeFirst();
			if (!before) return { ok: false, reason: 'not_found' };
			if (before.merged_into) return { ok: false, reason: 'merged' };
			if (before.erased_at) return { ok: false, reason: 'erased' };

			for (const field of ['email', 'reference'] as const) {
				const value = edit[field];
				const holder = value === null ? undefined : await holderOf(trx, field, value, id);
				if (holder) throw new IdentifierTaken(field, holder);
			}

			const consentAt = !edit.hasContactConsent
				? null
				: before.has_contact_consent && before.contact_consent_at
					? before.contact_consent_at
					: new Date();
			// Only a changed answer is staff's: one left as it was keeps where and how it was given.
			const isConsentChanged = edit.hasContactConsent !== before.has_contact_consent;
			const consentChange = !isConsentChanged
				? {}
				: edit.hasContactConsent
					? { contact_consent_source: 'staff' as const, contact_consent_wording: null }
					: { contact_consent_source: 'staff' as const, contact_consent_withdrawn_at: new Date() };
			const after = await trx
				.updateTable('supporter')
				.set({
					name: edit.name,
					email: edit.email,
					phone: edit.phone,
					country: edit.country,
					preferred_locale: edit.preferredLocale,
					reference: edit.reference,
					tags: sql<string[]>`${sql.val(edit.tags)}::text[]`,
					notes: edit.notes,
					has_contact_consent: edit.hasContactConsent,
					contact_consent_at: consentAt,
					...consentChange,
					updated_at: sql`now()`
				})
				.where('id', '=', id)
				.returningAll()
				.executeTakeFirstOrThrow();

			const { was, now } = changedFields(editableSnapshot(before), editableSnapshot(after));
			if (Object.keys(now).length > 0) {
				await recordAudit(trx, {
					staffUserId: actor.staffUserId,
					requestId: actor.requestId,
					action: 'supporter.update',
					entityType: 'supporter',
					entityId: id,
					before: was,
					after: now
				});
			}
			return { ok: true, supporter: after };
		});
	} catch (error) {
		if (error instanceof IdentifierTaken) return takenResult(error.field, error.supporterId);
		// Two edits racing for one email or reference: the unique index decides.
		for (const field of ['email', 'reference'] as const) {
			if (isUniqueViolation(error, `supporter_${field}_key`)) {
				const value = edit[field];
				const holder = value === null ? undefined : await holderOf(db, field, value, id);
				return takenResult(field, holder ?? '');
			}
		}
		throw error;
	}
}

function takenResult(field: 'email' | 'reference', supporterId: string): SupporterEditResult {
	return {
		ok: false,
		reason: 'invalid',
		errors: { [field]: field === 'email' ? 'email_taken' : 'reference_taken' },
		conflictingSupporterId: supporterId
	};
}
