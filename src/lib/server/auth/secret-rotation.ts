import type { Kysely } from 'kysely';
import { recordAudit } from '../organisation/audit.ts';
import type { Database } from '../db/schema.ts';
import { resealTaxIdentifiers } from '../self-service/tax-identity.ts';
import type { ResealCount, SecretKeys } from './secret-box.ts';
import { resealTotpKeys } from './totp.ts';
import { resealVippsWebhookSecrets } from '../vipps/webhooks.ts';

// Rotating the secret key (README): with the new key in KOMAK_SECRET_KEY and the old one in
// KOMAK_OLD_SECRET_KEYS the app opens both; `npm run secrets:rotate` then seals everything again
// with the new key, after which the old one can go.

export interface RotationReport {
	totpKeys: ResealCount;
	taxIdentifiers: ResealCount;
	vippsWebhookSecrets: ResealCount;
}

/** Seals every sealed value again with the current key, in one transaction, and audits it. */
export async function resealAllSecrets(
	db: Kysely<Database>,
	keys: SecretKeys
): Promise<RotationReport> {
	return db.transaction().execute(async (trx) => {
		const report = {
			totpKeys: await resealTotpKeys(trx, keys),
			taxIdentifiers: await resealTaxIdentifiers(trx, keys),
			vippsWebhookSecrets: await resealVippsWebhookSecrets(trx, keys)
		};
		await recordAudit(trx, {
			staffUserId: null,
			action: 'secrets.rotate',
			entityType: 'secret_key',
			after: { ...report, source: 'secrets:rotate' }
		});
		return report;
	});
}
