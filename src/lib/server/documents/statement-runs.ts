import { sql, type Kysely, type Transaction } from 'kysely';
import { isolateDirection } from '../../locales.ts';
import { m } from '../../paraglide/messages.js';
import { recordAudit } from '../organisation/audit.ts';
import type { Database } from '../db/schema.ts';
import { asLocale, documentMoney, documentYear } from './labels.ts';
import { log } from '../log.ts';
import { renderEmail } from '../mail/layout.ts';
import { queueEmail } from '../mail/outbox.ts';
import { createSignInLink } from '../self-service/sign-in-link.ts';
import { findOrganisation } from '../organisation/settings.ts';
import { yearBounds } from './statements.ts';

// Bulk sending of year-end statements: one email per supporter who gave in the year and has an
// address, each with their statement as a PDF (made when the mail is sent, see
// mail/attachments.ts). A run goes through the supporters in id order, a batch per transaction
// that queues the batch's messages and moves the run's cursor together, so a run stopped at any
// point (a crash, a restart, a deploy) carries on from the last batch it committed; the queue's
// dedupe key means no supporter ever gets a second copy, even from a second run.

type Db = Kysely<Database> | Transaction<Database>;

export const STATEMENT_BATCH_SIZE = 50;

/** Who a run for `year` sends to: not erased or merged away, with an email and a gift that counts. */
function recipients(db: Db, year: number) {
	const { from, to } = yearBounds(year);
	return db
		.selectFrom('supporter as s')
		.where('s.email', 'is not', null)
		.where('s.erased_at', 'is', null)
		.where('s.merged_into', 'is', null)
		.where(({ exists, selectFrom }) =>
			exists(
				selectFrom('contribution as c')
					.select(sql`1`.as('one'))
					.whereRef('c.supporter_id', '=', 's.id')
					.where('c.status', 'in', ['succeeded', 'partially_refunded'])
					.where('c.received_at', '>=', from)
					.where('c.received_at', '<', to)
			)
		);
}

export async function countStatementRecipients(db: Db, year: number): Promise<number> {
	const row = await recipients(db, year)
		.select(sql<number>`count(*)::int`.as('count'))
		.executeTakeFirstOrThrow();
	return Number(row.count);
}

export type StartResult =
	{ ok: true; runId: string } | { ok: false; reason: 'already_running' | 'nobody' };

/** Opens a run for `year` (audited); the caller then drives it with driveStatementRun. */
export async function startStatementRun(
	db: Kysely<Database>,
	year: number,
	actor: { staffUserId: string; requestId?: string }
): Promise<StartResult> {
	try {
		return await db.transaction().execute(async (trx): Promise<StartResult> => {
			const total = await countStatementRecipients(trx, year);
			if (total === 0) return { ok: false, reason: 'nobody' };
			const run = await trx
				.insertInto('statement_run')
				.values({ year, total, started_by: actor.staffUserId })
				.returning('id')
				.executeTakeFirstOrThrow();
			await recordAudit(trx, {
				staffUserId: actor.staffUserId,
				requestId: actor.requestId,
				action: 'statements.send',
				entityType: 'statement_run',
				entityId: run.id,
				after: { year, total }
			});
			return { ok: true, runId: run.id };
		});
	} catch (error) {
		if ((error as { constraint?: string }).constraint === 'statement_run_running_key')
			return { ok: false, reason: 'already_running' };
		throw error;
	}
}

interface Recipient {
	id: string;
	email: string;
	preferredLocale: string;
}

function statementEmail(
	recipient: Recipient,
	year: number,
	totals: { currency: string; totalMinor: number }[],
	organisation: { name: string; contactEmail: string },
	/** The supporter's own single-use link into "My giving". */
	myPageUrl?: string
) {
	const locale = asLocale(recipient.preferredLocale);
	const params = { year: documentYear(year, locale), organisation: organisation.name };
	return renderEmail({
		locale,
		subject: m.documents_statement_email_subject(params, { locale }),
		heading: m.documents_statement_email_heading(params, { locale }),
		paragraphs: [m.documents_statement_email_body(params, { locale })],
		facts: totals.map((total) => [
			m.documents_statement_email_total({ currency: total.currency }, { locale }),
			documentMoney(total.totalMinor, total.currency, locale)
		]),
		...(myPageUrl && { action: { label: m.mail_receipt_my_page({}, { locale }), url: myPageUrl } }),
		footer: [
			m.documents_statement_email_footer(params, { locale }),
			...(organisation.contactEmail
				? [m.contact_line({ email: isolateDirection(organisation.contactEmail) }, { locale })]
				: [])
		]
	});
}

export type BatchOutcome = 'continued' | 'finished' | 'busy';

/**
 * Queues the statements of the next batch of a run's supporters and moves its cursor, in one
 * transaction. 'busy' when another process holds the run (it is doing the same work).
 */
export async function processStatementBatch(
	db: Kysely<Database>,
	runId: string,
	batchSize = STATEMENT_BATCH_SIZE,
	/** The site's public origin: each statement then carries its supporter's sign-in link. */
	origin?: string
): Promise<BatchOutcome> {
	return db.transaction().execute(async (trx): Promise<BatchOutcome> => {
		const run = await trx
			.selectFrom('statement_run')
			.selectAll()
			.where('id', '=', runId)
			.forUpdate()
			.skipLocked()
			.executeTakeFirst();
		if (!run) {
			const exists = await trx
				.selectFrom('statement_run')
				.select('id')
				.where('id', '=', runId)
				.executeTakeFirst();
			return exists ? 'busy' : 'finished';
		}
		if (run.status !== 'running') return 'finished';

		const batch = await recipients(trx, run.year)
			.select(['s.id', 's.email', 's.preferred_locale'])
			.$if(run.last_supporter_id !== null, (query) =>
				query.where('s.id', '>', run.last_supporter_id!)
			)
			.orderBy('s.id')
			.limit(batchSize)
			.execute();

		let queued = 0;
		if (batch.length > 0) {
			const { from, to } = yearBounds(run.year);
			const totals = await trx
				.selectFrom('contribution')
				.select([
					'supporter_id',
					'currency',
					sql<number>`sum(case when status = 'partially_refunded' then amount_minor - refunded_minor else amount_minor end)::bigint`.as(
						'totalMinor'
					)
				])
				.where(
					'supporter_id',
					'in',
					batch.map((row) => row.id)
				)
				.where('status', 'in', ['succeeded', 'partially_refunded'])
				.where('received_at', '>=', from)
				.where('received_at', '<', to)
				.groupBy(['supporter_id', 'currency'])
				.orderBy('currency')
				.execute();
			const organisation = await findOrganisation(trx);
			for (const row of batch) {
				const recipient = { id: row.id, email: row.email!, preferredLocale: row.preferred_locale };
				const email = statementEmail(
					recipient,
					run.year,
					totals
						.filter((total) => total.supporter_id === row.id)
						.map((total) => ({ currency: total.currency, totalMinor: Number(total.totalMinor) })),
					{ name: organisation.name, contactEmail: organisation.contact_email },
					origin ? await createSignInLink(trx, recipient.id, { origin }) : undefined
				);
				const id = await queueEmail(trx, {
					...email,
					kind: 'statement',
					to: recipient.email,
					locale: asLocale(recipient.preferredLocale),
					supporterId: recipient.id,
					dedupeKey: `statement:${run.year}:${recipient.id}`,
					attachments: [{ type: 'statement', supporterId: recipient.id, year: run.year }]
				});
				if (id !== null) queued++;
			}
		}

		const isLast = batch.length < batchSize;
		await trx
			.updateTable('statement_run')
			.set({
				processed: sql`processed + ${batch.length}`,
				queued: sql`queued + ${queued}`,
				last_supporter_id: batch.at(-1)?.id ?? run.last_supporter_id,
				updated_at: sql`now()`,
				...(isLast ? { status: 'finished' as const, finished_at: sql`now()` } : {})
			})
			.where('id', '=', runId)
			.execute();
		return isLast ? 'finished' : 'continued';
	});
}

// Runs this process is working through, so a page view does not start a second loop here.
const driving = new Set<string>();

/** Works through a run batch by batch until it is finished or another process holds it. */
export async function driveStatementRun(
	db: Kysely<Database>,
	runId: string,
	{ batchSize = STATEMENT_BATCH_SIZE, origin }: { batchSize?: number; origin?: string } = {}
): Promise<void> {
	if (driving.has(runId)) return;
	driving.add(runId);
	try {
		while ((await processStatementBatch(db, runId, batchSize, origin)) === 'continued') {
			// Let requests in between batches.
			await new Promise((resolve) => setImmediate(resolve));
		}
	} finally {
		driving.delete(runId);
	}
}

/**
 * Carries on every unfinished run (after a restart, or one another instance dropped). Called at
 * start and whenever staff look at the runs; returns at once and works in the background.
 */
export async function resumeStatementRuns(
	db: Kysely<Database>,
	{ origin }: { origin?: string } = {}
): Promise<void> {
	const runs = await db
		.selectFrom('statement_run')
		.select('id')
		.where('status', '=', 'running')
		.execute();
	for (const run of runs) {
		if (driving.has(run.id)) continue;
		driveStatementRun(db, run.id, { origin }).catch((error) =>
			log.error({ err: error, runId: run.id }, 'statement run stopped; it resumes on the next look')
		);
	}
}

export interface StatementRunSummary {
	id: string;
	year: number;
	status: 'running' | 'finished';
	total: number;
	processed: number;
	queued: number;
	startedBy: string | null;
	createdAt: Date;
	finishedAt: Date | null;
}

export async function listStatementRuns(db: Db, limit = 20): Promise<StatementRunSummary[]> {
	const rows = await db
		.selectFrom('statement_run as r')
		.leftJoin('staff_user as u', 'u.id', 'r.started_by')
		.select([
			'r.id',
			'r.year',
			'r.status',
			'r.total',
			'r.processed',
			'r.queued',
			'r.created_at',
			'r.finished_at',
			sql<string | null>`coalesce(nullif(u.name, ''), u.email)`.as('started_by')
		])
		.orderBy('r.created_at', 'desc')
		.limit(limit)
		.execute();
	return rows.map((row) => ({
		id: row.id,
		year: row.year,
		status: row.status,
		total: row.total,
		processed: row.processed,
		queued: row.queued,
		startedBy: row.started_by,
		createdAt: row.created_at,
		finishedAt: row.finished_at
	}));
}

/** The years that have gifts that count, newest first, for the year picker. */
export async function listGivingYears(db: Db): Promise<number[]> {
	// The daily totals hold a row per day and kind of gift: far fewer rows than the gifts.
	const rows = await db
		.selectFrom('contribution_daily_total')
		.select(sql<number>`extract(year from day)::int`.as('year'))
		.distinct()
		.where('status', 'in', ['succeeded', 'partially_refunded'])
		.where('gift_count', '>', 0)
		.orderBy('year', 'desc')
		.execute();
	return rows.map((row) => Number(row.year));
}

/**
 * The year picker's years and the year it shows: the one asked for when it has gifts, else last
 * year (its statements are the ones sent in January), else the newest; null when none has gifts.
 */
export async function pickGivingYear(
	db: Db,
	asked: string | null
): Promise<{ years: number[]; year: number | null }> {
	const years = await listGivingYears(db);
	const askedYear = Number(asked);
	const lastYear = new Date().getFullYear() - 1;
	const year = years.includes(askedYear)
		? askedYear
		: years.includes(lastYear)
			? lastYear
			: years[0];
	return { years, year: year ?? null };
}
