import { sql, type Kysely, type Transaction } from 'kysely';
import { useOrganisationTimeZone } from '../../dates.ts';
import { supportedCurrencies } from '../../money.ts';
import type { OrganisationSettings } from '../../organisation/settings-form.ts';
import { recordAudit } from './audit.ts';
import type { Database } from '../db/schema.ts';

type Db = Kysely<Database> | Transaction<Database>;

export interface CurrencyRules {
	currency: string;
	presetAmountsMinor: number[];
	minimumMinor: number;
	maximumMinor: number;
	cardFeeFixedMinor: number;
}

export async function findOrganisation(db: Db) {
	const organisation = await db
		.selectFrom('organisation')
		.selectAll()
		.where('id', '=', 1)
		.executeTakeFirstOrThrow();
	// Wherever the settings are read, dates follow the zone they name (staff may have changed it
	// on another instance).
	useOrganisationTimeZone(organisation.time_zone);
	return organisation;
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

/** Everything the settings page edits, as one object. */
export async function loadSettings(db: Db): Promise<OrganisationSettings> {
	const [organisation, currencies] = await Promise.all([
		findOrganisation(db),
		db.selectFrom('currency_setting').selectAll().orderBy('position').orderBy('currency').execute()
	]);
	return {
		name: organisation.name,
		contactEmail: organisation.contact_email,
		timeZone: organisation.time_zone,
		defaultCurrency: organisation.default_currency,
		cardFeeBasisPoints: organisation.card_fee_basis_points,
		bankName: organisation.bank_name,
		bankAccountNumber: organisation.bank_account_number,
		iban: organisation.iban,
		bic: organisation.bic,
		vippsNumber: organisation.vipps_number,
		appealTexts: organisation.appeal_texts,
		organisationNumber: organisation.organisation_number,
		taxReportEnabled: organisation.tax_report_enabled,
		taxReportThresholdMinor: organisation.tax_report_threshold_minor,
		currencies: supportedCurrencies.map((currency) => {
			const row = currencies.find((c) => c.currency === currency);
			return {
				currency,
				isEnabled: row?.is_enabled ?? false,
				presetAmountsMinor: row?.preset_amounts_minor ?? [],
				minimumMinor: row?.minimum_minor ?? 1000,
				maximumMinor: row?.maximum_minor ?? 10_000_000,
				cardFeeFixedMinor: row?.card_fee_fixed_minor ?? 0
			};
		})
	};
}

/** Saves the settings page in one transaction, with its audit entry. */
export async function saveSettings(
	db: Kysely<Database>,
	settings: OrganisationSettings,
	context: { staffUserId: string; requestId: string }
): Promise<void> {
	await db.transaction().execute(async (trx) => {
		const before = await loadSettings(trx);
		await trx
			.updateTable('organisation')
			.set({
				name: settings.name,
				contact_email: settings.contactEmail,
				time_zone: settings.timeZone,
				default_currency: settings.defaultCurrency,
				card_fee_basis_points: settings.cardFeeBasisPoints,
				bank_name: settings.bankName,
				bank_account_number: settings.bankAccountNumber,
				iban: settings.iban,
				bic: settings.bic,
				vipps_number: settings.vippsNumber,
				appeal_texts: JSON.stringify(settings.appealTexts),
				organisation_number: settings.organisationNumber,
				tax_report_enabled: settings.taxReportEnabled,
				tax_report_threshold_minor: settings.taxReportThresholdMinor,
				updated_at: sql`now()`
			})
			.where('id', '=', 1)
			.execute();
		if (settings.timeZone !== before.timeZone) {
			// The dashboard's days were counted in the old zone: count them again in the new one.
			await sql`select komak_rebuild_giving_summaries()`.execute(trx);
		}
		for (const [position, c] of settings.currencies.entries()) {
			const row = {
				is_enabled: c.isEnabled,
				position,
				preset_amounts_minor: c.presetAmountsMinor,
				minimum_minor: c.minimumMinor,
				maximum_minor: c.maximumMinor,
				card_fee_fixed_minor: c.cardFeeFixedMinor
			};
			await trx
				.insertInto('currency_setting')
				.values({ currency: c.currency, ...row })
				.onConflict((oc) => oc.column('currency').doUpdateSet(row))
				.execute();
		}
		await recordAudit(trx, {
			...context,
			action: 'settings.update',
			entityType: 'organisation',
			entityId: '1',
			before,
			after: settings
		});
	});
	useOrganisationTimeZone(settings.timeZone);
}
