import type { Kysely, Transaction } from 'kysely';
import type { Database } from './db-schema.ts';

type Db = Kysely<Database> | Transaction<Database>;

export interface CurrencyRules {
	currency: string;
	presetAmountsMinor: number[];
	minimumMinor: number;
	maximumMinor: number;
	cardFeeFixedMinor: number;
}

export async function findOrganisation(db: Db) {
	return db.selectFrom('organisation').selectAll().where('id', '=', 1).executeTakeFirstOrThrow();
}

/** The enabled currencies in the order staff chose, with their preset and allowed amounts. */
export async function listEnabledCurrencies(db: Db): Promise<CurrencyRules[]> {
	const rows = await db
		.selectFrom('currency_setting')
		.selectAll()
		.where('is_enabled', '=', true)
		.orderBy('position')
		.orderBy('currency')
		.execute();
	return rows.map((row) => ({
		currency: row.currency,
		presetAmountsMinor: row.preset_amounts_minor,
		minimumMinor: row.minimum_minor,
		maximumMinor: row.maximum_minor,
		cardFeeFixedMinor: row.card_fee_fixed_minor
	}));
}
