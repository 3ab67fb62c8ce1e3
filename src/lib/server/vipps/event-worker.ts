import type { Kysely } from 'kysely';
import type { Database } from '../db/schema.ts';
import { log } from '../log.ts';
import type { VippsClient } from './client.ts';
import { applyStoredVippsEvents } from './webhook.ts';

export interface VippsEventWorker {
	/** Applies what is stored, very soon (the webhook calls this after storing a new event). */
	wake(): void;
	/** Stops taking events and waits for the round in progress. */
	stop(): Promise<void>;
}

/**
 * Applies stored Vipps events in this instance: soon after the webhook stores one, at start
 * (events stored before a restart, or by an instance that stopped), and every `intervalMs`
 * (failed events whose wait is over, events another instance took and never finished). One
 * round at a time. A wake waits `gatherMs` first, so that a burst of deliveries is applied in
 * a few batches (each payment asked about once) rather than one round per event.
 */
export function startVippsEventWorker(
	db: Kysely<Database>,
	vipps: VippsClient,
	{
		origin,
		intervalMs = 10_000,
		gatherMs = 25
	}: { origin: string; intervalMs?: number; gatherMs?: number }
): VippsEventWorker {
	let round: Promise<void> | undefined;
	let isWokenMeanwhile = false;
	let isStopping = false;

	const run = async () => {
		if (isStopping) return;
		do {
			isWokenMeanwhile = false;
			const report = await applyStoredVippsEvents(db, vipps, { origin });
			if (report.failed.length) log.warn(report, 'Vipps events applied, some to be tried again');
		} while (isWokenMeanwhile && !isStopping);
	};
	const startRound = (afterMs: number) => {
		if (isStopping) return;
		if (round) {
			isWokenMeanwhile = true;
			return;
		}
		round = new Promise((resolve) => setTimeout(resolve, afterMs))
			.then(run)
			.catch((err) => log.error({ err }, 'Vipps events could not be applied; tried again soon'))
			.finally(() => {
				round = undefined;
			});
	};
	startRound(0);
	const timer = setInterval(() => startRound(0), intervalMs);
	timer.unref();
	return {
		wake: () => startRound(gatherMs),
		async stop() {
			isStopping = true;
			clearInterval(timer);
			await round;
		}
	};
}
