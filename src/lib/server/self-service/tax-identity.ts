import { sql, type Kysely, type Transaction } from 'kysely';
import type { NorwegianIdKind } from '../../supporters/norwegian-id.ts';
import {
	openSecret,
	resealEach,
	sealSecret,
	type ResealCount,
	type SecretKeys
} from '../auth/secret-box.ts';
import type { Database } from '../db/schema.ts';

type Db = Kysely<Database> | Transaction<Database>;

// A supporter's fødselsnummer or D-nummer for the tax deduction, given with consent on /my.
// The number is sealed with the app's key (auth/secret-box.ts), bound to the supporter by the
// associated data, so a sealed value copied onto another supporter's row does not open. Only the
// last two digits are kept in the clear, for the masked display.

export const taxIdentityAssociatedData = (supporterId: string) => `tax-identity:${supporterId}`;

export interface TaxIdentitySummary {
	kind: NorwegianIdKind;
	lastDigits: string;
	consentedAt: Date;
}

export async function findTaxIdentity(
	db: Db,
	supporterId: string
): Promise<TaxIdentitySummary | null> {
	const row = await db
		.selectFrom('supporter_tax_identity')
		.select(['kind', 'last_digits', 'consented_at'])
		.where('supporter_id', '=', supporterId)
		.executeTakeFirst();
	return row
		? { kind: row.kind, lastDigits: row.last_digits, consentedAt: row.consented_at }
		: null;
}

/** Stores (or replaces) the number, already checked, with the consent given now. */
export async function saveTaxIdentity(
	db: Db,
	supporterId: string,
	identity: { kind: NorwegianIdKind; number: string }
): Promise<void> {
	const values = {
		kind: identity.kind,
		identifier_sealed: sealSecret(identity.number, taxIdentityAssociatedData(supporterId)),
		last_digits: identity.number.slice(-2),
		consented_at: sql<Date>`now()`,
		updated_at: sql<Date>`now()`
	};
	await db
		.insertInto('supporter_tax_identity')
		.values({ supporter_id: supporterId, ...values })
		.onConflict((oc) => oc.column('supporter_id').doUpdateSet(values))
		.execute();
}

/** Consent withdrawn: the number is gone. Whether there was one to remove. */
export async function removeTaxIdentity(db: Db, supporterId: string): Promise<boolean> {
	const result = await db
		.deleteFrom('supporter_tax_identity')
		.where('supporter_id', '=', supporterId)
		.executeTakeFirst();
	return Number(result.numDeletedRows) > 0;
}

/** The number itself, for the tax report; throws if the sealed value was tampered with. */
export function openTaxIdentifier(row: {
	supporter_id: string;
	identifier_sealed: string;
}): string {
	return openSecret(row.identifier_sealed, taxIdentityAssociatedData(row.supporter_id));
}

/** Seals every number that an old key sealed again with the current one. */
export async function resealTaxIdentifiers(
	trx: Transaction<Database>,
	keys: SecretKeys
): Promise<ResealCount> {
	const rows = await trx
		.selectFrom('supporter_tax_identity')
		.select(['supporter_id', 'identifier_sealed'])
		.orderBy('supporter_id')
		.forUpdate()
		.execute();
	const values = rows.map((row) => ({
		id: row.supporter_id,
		sealed: row.identifier_sealed,
		associatedData: taxIdentityAssociatedData(row.supporter_id)
	}));
	return resealEach(values, keys, (supporterId, sealed) =>
		trx
			.updateTable('supporter_tax_identity')
			.set({ identifier_sealed: sealed })
			.where('supporter_id', '=', supporterId)
			.execute()
	);
}
