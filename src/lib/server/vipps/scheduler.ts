import { createHash } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { Database } from '../db/schema.ts';
import { config } from '../config.ts';
import { log } from '../log.ts';
import type { VippsClient } from './client.ts';
import { addDays, addMonths, todayInNorway } from './dates.ts';

// Vipps charges a monthly agreement only when the merchant has created that month's charge, at
// least two days before it falls due (one in the test environment). Every app instance runs
// this scheduler; each month's charge is still created once: an instance takes an agreement
// whose next charge is near with `for update skip locked` (another instance skips it), creates
// the charge with an idempotency key made of the agreement and the month (so a retry after a
// lost answer or a crash creates nothing new at Vipps), notes it (unique per agreement and
// month) and moves the agreement's next date a month on, in one transaction. After downtime it
// catches up: a charge whose day has passed is created due as soon as the rules allow.

/** Charges are created this many days before they fall due. */
export const CHARGE_LEAD_DAYS = 5;
/** Vipps's rule in production: a charge falls due at least this many days after it is made. */
export const MINIMUM_NOTICE_DAYS = 2;
/** Vipps tries a declined charge again on each of these days after the due date. */
export const RETRY_DAYS = 3;

const IDEMPOTENCY_KEY_LIMIT = 50;

/**
 * Spaces calls evenly at `perMinute`: Vipps's Recurring API takes up to 500 requests a minute
 * (developer.vippsmobilepay.com, Recurring API, "Recurring charges": rate limits), so 10,000
 * monthly charges take about 22 minutes at the default 450, well inside the days before they
 * fall due, and none is refused with HTTP 429.
 */
export function pace(perMinute: number) {
	const gapMs = 60_000 / perMinute;
	let nextAt = 0;
	return async () => {
		const now = performance.now();
		const at = Math.max(now, nextAt);
		nextAt = at + gapMs;
		if (at > now) await new Promise((resolve) => setTimeout(resolve, at - now));
	};
}

/** One key per agreement and month, within Vipps's 50 characters. */
export function chargeIdempotencyKey(agreementId: string, period: string): string {
	const key = `${agreementId}-${period}`;
	if (key.length <= IDEMPOTENCY_KEY_LIMIT) return key;
	return `${createHash('sha256').update(key).digest('base64url').slice(0, 40)}-${period}`;
}

export interface ScheduleReport {
	created: number;
	failed: { agreementId: string; error: string }[];
}

export async function createDueVippsCharges(
	db: Kysely<Database>,
	vipps: VippsClient,
	{
		today = todayInNorway(),
		description,
		chargesPerMinute = config().VIPPS_CHARGES_PER_MINUTE
	}: { today?: string; description: string; chargesPerMinute?: number }
): Promise<ScheduleReport> {
	const report: ScheduleReport = { created: 0, failed: [] };
	const refused: string[] = [];
	const waitForTurn = pace(chargesPerMinute);
	for (;;) {
		let isDone = false;
		// Before the transaction, so no row stays locked while this instance waits.
		await waitForTurn();
		try {
			isDone = await db.transaction().execute(async (trx) => {
				const next = await trx
					.selectFrom('vipps_agreement')
					.selectAll()
					.where('status', '=', 'ACTIVE')
					.where('agreement_id', 'is not', null)
					.where('next_charge_on', '<=', addDays(today, CHARGE_LEAD_DAYS))
					.$if(refused.length > 0, (q) => q.where('reference', 'not in', refused))
					.orderBy('next_charge_on')
					.limit(1)
					.forUpdate()
					.skipLocked()
					.executeTakeFirst();
				if (!next) return true;
				const nextOn = next.next_charge_on!;
				const period = nextOn.slice(0, 7);
				const soonest = addDays(today, MINIMUM_NOTICE_DAYS);
				const due = nextOn < soonest ? soonest : nextOn;
				try {
					const { chargeId } = await vipps.createCharge(
						next.agreement_id!,
						{
							amount: next.amount_minor,
							transactionType: 'DIRECT_CAPTURE',
							type: 'RECURRING',
							description: description.slice(0, 45),
							due,
							retryDays: RETRY_DAYS
						},
						chargeIdempotencyKey(next.agreement_id!, period)
					);
					await trx
						.insertInto('vipps_charge')
						.values({ charge_id: chargeId, agreement_id: next.agreement_id!, period, due_on: due })
						.onConflict((oc) => oc.columns(['agreement_id', 'period']).doNothing())
						.execute();
				} catch (error) {
					// Vipps refused (the agreement was stopped there, say): this agreement waits for
					// its next report or `vipps:sync`; the others go on.
					refused.push(next.reference);
					report.failed.push({
						agreementId: next.agreement_id!,
						error: error instanceof Error ? error.message : String(error)
					});
					return false;
				}
				await trx
					.updateTable('vipps_agreement')
					.set({ next_charge_on: addMonths(nextOn, 1, next.charge_day ?? undefined) })
					.where('reference', '=', next.reference)
					.execute();
				report.created++;
				return false;
			});
		} catch (error) {
			log.error({ err: error }, 'Vipps charge scheduling stopped; it resumes on the next run');
			report.failed.push({ agreementId: '', error: String(error) });
			return report;
		}
		if (isDone) return report;
	}
}

/** Runs the scheduler now and then every `intervalMs` in this process, until stopped. */
export function startVippsScheduler(
	db: Kysely<Database>,
	vipps: VippsClient,
	{
		intervalMs = 60 * 60_000,
		description
	}: { intervalMs?: number; description: () => Promise<string> }
) {
	let running: Promise<unknown> = Promise.resolve();
	const run = () => {
		running = running
			.then(async () => {
				const report = await createDueVippsCharges(db, vipps, { description: await description() });
				if (report.created || report.failed.length) log.info(report, 'Vipps charges scheduled');
			})
			.catch((err) => log.error({ err }, 'Vipps charge scheduling failed'));
	};
	run();
	const timer = setInterval(run, intervalMs);
	timer.unref();
	return {
		async stop() {
			clearInterval(timer);
			await running;
		}
	};
}
