import { sql, type Kysely } from 'kysely';
import {
	openSecret,
	resealEach,
	sealSecret,
	sealWithKey,
	type ResealCount,
	type SecretKeys
} from '../auth/secret-box.ts';
import type { Database } from '../db/schema.ts';
import type { VippsClient } from './client.ts';
import type { KnownWebhook } from './verify.ts';
import { paymentWebhookEventTypes, recurringWebhookEventTypes } from './types.ts';

/** Every event type Komak handles: one-off payments and monthly agreements. */
export const vippsWebhookEventTypes = [...paymentWebhookEventTypes, ...recurringWebhookEventTypes];

// Komak's webhook at Vipps, registered through the Webhooks API. Vipps answers a registration
// with the secret its deliveries are signed with; Komak keeps it in the database, sealed with
// KOMAK_SECRET_KEY (auth/secret-box.ts), so every instance can check a delivery, whichever
// registered it, and a database dump alone cannot forge one.

export const webhookPath = '/webhooks/vipps';

export interface WebhookCheck {
	url: string;
	/** True when a new registration was made (none of ours at Vipps covered every event). */
	isRegistered: boolean;
	/** Our registrations Vipps no longer had, or that no longer matched, now forgotten or removed. */
	removed: number;
}

/** The sealed secret is bound to its registration, so it cannot be moved to another row. */
const sealContext = (webhookId: string) => `vipps_webhook:${webhookId}`;
/** Rows written before secrets were sealed hold the secret as Vipps gave it. */
const isSealed = (stored: string) => stored.startsWith('v1.');

/** The secrets of the webhooks Komak registered (normally one). */
export async function knownWebhooks(db: Kysely<Database>): Promise<KnownWebhook[]> {
	const rows = await db.selectFrom('vipps_webhook').select(['id', 'url', 'secret']).execute();
	return rows.map(({ id, url, secret }) => ({
		url,
		secret: isSealed(secret) ? openSecret(secret, sealContext(id)) : secret
	}));
}

/** Seals again what an old key (or nobody) sealed (`npm run secrets:rotate`). */
export async function resealVippsWebhookSecrets(
	db: Kysely<Database>,
	keys: SecretKeys
): Promise<ResealCount> {
	const rows = await db.selectFrom('vipps_webhook').select(['id', 'secret']).execute();
	const write = (id: string, sealed: string) =>
		db.updateTable('vipps_webhook').set({ secret: sealed }).where('id', '=', id).execute();
	for (const row of rows.filter((r) => !isSealed(r.secret)))
		await write(row.id, sealWithKey(keys.current, row.secret, sealContext(row.id)));
	return resealEach(
		rows
			.filter((r) => isSealed(r.secret))
			.map((r) => ({ id: r.id, sealed: r.secret, associatedData: sealContext(r.id) })),
		keys,
		write
	);
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
		if (current) {
			// A secret from before sealing is sealed now.
			const kept = ours.find((row) => row.id === current)!;
			if (!isSealed(kept.secret))
				await trx
					.updateTable('vipps_webhook')
					.set({ secret: sealSecret(kept.secret, sealContext(kept.id)) })
					.where('id', '=', kept.id)
					.execute();
			return { url, isRegistered: false, removed };
		}
		const { id, secret } = await vipps.registerWebhook(url, vippsWebhookEventTypes);
		await trx
			.insertInto('vipps_webhook')
			.values({
				id,
				url,
				events: vippsWebhookEventTypes,
				secret: sealSecret(secret, sealContext(id))
			})
			.execute();
		return { url, isRegistered: true, removed };
	});
}
