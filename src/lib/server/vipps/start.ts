import type { Kysely } from 'kysely';
import type { Database } from '../db/schema.ts';
import { log } from '../log.ts';
import { m } from '../../paraglide/messages.js';
import { findOrganisation } from '../organisation/settings.ts';
import { getVipps } from './client.ts';
import { startVippsEventWorker, type VippsEventWorker } from './event-worker.ts';
import { startVippsScheduler } from './scheduler.ts';
import { ensureVippsWebhook, webhookPath } from './webhooks.ts';

/**
 * On start, when Vipps is configured: makes sure Vipps's webhook points at this site, registering
 * it if need be (as `npm run vipps:webhooks` does). A failure is logged, not fatal: gifts are
 * still recovered by `npm run vipps:sync`.
 */
export async function checkVippsWebhookAtStart(
	db: Kysely<Database>,
	origin: string
): Promise<void> {
	const vipps = getVipps();
	if (!vipps) return;
	const url = new URL(webhookPath, origin).toString();
	try {
		const check = await ensureVippsWebhook(db, vipps, url);
		log.info(check, check.isRegistered ? 'Vipps webhook registered' : 'Vipps webhook in place');
	} catch (error) {
		log.error(
			{ err: error, url },
			'Vipps webhook could not be checked; run npm run vipps:webhooks'
		);
	}
}

/** Starts this instance's monthly-charge scheduler when Vipps is configured (see scheduler.ts). */
export function startVippsChargeScheduler(db: Kysely<Database>) {
	const vipps = getVipps();
	if (!vipps) return null;
	return startVippsScheduler(db, vipps, {
		// What the supporter sees on each month's charge in the app.
		description: async () =>
			m.checkout_product_monthly(
				{ organisation: (await findOrganisation(db)).name },
				{ locale: 'nb' }
			)
	});
}

let eventWorker: VippsEventWorker | null = null;

/** Starts this instance's worker that applies stored Vipps events (see event-worker.ts). */
export function startVippsEventApplier(db: Kysely<Database>, origin: string) {
	const vipps = getVipps();
	if (!vipps) return null;
	eventWorker = startVippsEventWorker(db, vipps, { origin });
	return eventWorker;
}

/** The webhook stored a new event: this instance applies it now. */
export function wakeVippsEventApplier() {
	eventWorker?.wake();
}
