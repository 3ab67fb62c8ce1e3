import { sql, type Kysely } from 'kysely';
import type { Database } from '../db/schema.ts';
import type { VippsClient } from './client.ts';
import type { KnownWebhook } from './verify.ts';
import { paymentWebhookEventTypes, recurringWebhookEventTypes } from './types.ts';

/** Every event type Komak handles: one-off payments and monthly agreements. */
export const vippsWebhookEventTypes = [...paymentWebhookEventTypes, ...recurringWebhookEventTypes];

// Komak's webhook at Vipps, registered through the Webhooks API. Vipps answers a registration
// with the secret its deliveries are signed with; Komak keeps it in the database, so every
// instance can check a delivery, whichever registered it.

export const webhookPath = '/webhooks/vipps';

export interface WebhookCheck {
	url: string;
	/** True when a new registration was made (none of ours at Vipps covered every event). */
	isRegistered: boolean;
	/** Our registrations Vipps no longer had, or that no longer matched, now forgotten or removed. */
	removed: number;
}

/** The secrets of the webhooks Komak registered (normally one). */
export async function knownWebhooks(db: Kysely<Database>): Promise<KnownWebhook[]> {
	return db.selectFrom('vipps_webhook').select(['url', 'secret']).execute();
}

/**
 * Makes sure Vipps sends every event Komak handles to `url`, registering the webhook if need be.
 * Safe to run on every start of every instance: an advisory lock lets one check at a time.
 */
export async function ensureVippsWebhook(
	db: Kysely<Database>,
	vipps: VippsClient,
	url: string
): Promise<WebhookCheck> {
	return db.transaction().execute(async (trx) => {
		await sql`select pg_advisory_xact_lock(hashtext('komak:vipps-webhook'))`.execute(trx);
		const [atVipps, ours] = await Promise.all([
			vipps.listWebhooks(),
			trx.selectFrom('vipps_webhook').selectAll().execute()
		]);
		const covers = (events: string[]) => vippsWebhookEventTypes.every((e) => events.includes(e));
		let removed = 0;
		let current: string | undefined;
		for (const row of ours) {
			const registered = atVipps.find((w) => w.id === row.id);
			if (!current && registered && registered.url === url && covers(registered.events)) {
				current = row.id;
				continue;
			}
			if (registered) await vipps.deleteWebhook(row.id);
			await trx.deleteFrom('vipps_webhook').where('id', '=', row.id).execute();
			removed++;
		}
		if (current) return { url, isRegistered: false, removed };
		const { id, secret } = await vipps.registerWebhook(url, vippsWebhookEventTypes);
		await trx
			.insertInto('vipps_webhook')
			.values({ id, url, events: vippsWebhookEventTypes, secret })
			.execute();
		return { url, isRegistered: true, removed };
	});
}
