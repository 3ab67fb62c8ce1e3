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

export type Organisation = Awaited<ReturnType<typeof findOrganisation>>;

export interface AppealSettings {
	organisation: Organisation;
	currencies: CurrencyRules[];
}

/**
 * How long another instance may go on showing settings from before a save, at most (about a
 * second: settings change a few times a year, pages are asked for many times a second).
 */
const SETTINGS_RECHECK_MS = 1000;

interface CachedSettings {
	settings: AppealSettings;
	/** organisation.updated_at, which every save moves: the settings' version. */
	version: number;
	checkedAt: number;
	recheck: Promise<void> | null;
}

const cachedSettings = new WeakMap<object, Promise<CachedSettings>>();

async function readAppealSettings(db: Db): Promise<CachedSettings> {
	const [organisation, currencies] = await Promise.all([
		findOrganisation(db),
		listEnabledCurrencies(db)
	]);
	const version = new Date(organisation.updated_at).getTime();
	return { settings: { organisation, currencies }, version, checkedAt: Date.now(), recheck: null };
}

/**
 * The organisation and its currencies as the appeal shows them, from memory. A save on this
 * instance forgets them at once; other instances notice within a second, by a one-row look at the
 * version that runs alongside requests rather than in front of them.
 */
export async function getAppealSettings(db: Kysely<Database>): Promise<AppealSettings> {
	let pending = cachedSettings.get(db);
	if (!pending) {
		pending = readAppealSettings(db);
		cachedSettings.set(db, pending);
		pending.catch(() => {
			cachedSettings.delete(db);
		});
	}
	const cached = await pending;
	if (Date.now() - cached.checkedAt > SETTINGS_RECHECK_MS && !cached.recheck) {
		cached.checkedAt = Date.now();
		cached.recheck = db
			.selectFrom('organisation')
			.select('updated_at')
			.where('id', '=', 1)
			.executeTakeFirstOrThrow()
			.then(async ({ updated_at }) => {
				if (new Date(updated_at).getTime() !== cached.version) cachedSettings.delete(db);
			})
			.catch(() => {
				cachedSettings.delete(db);
			})
			.finally(() => (cached.recheck = null));
	}
	return cached.settings;
}

/** The card fee and the bank and Vipps details supporters give by, as the appeal shows them. */
export const givingDetails = (organisation: Organisation) => ({
	cardFeeBasisPoints: organisation.card_fee_basis_points,
	bankName: organisation.bank_name,
	bankAccountNumber: organisation.bank_account_number,
	iban: organisation.iban,
	bic: organisation.bic,
	vippsNumber: organisation.vipps_number
});

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
		...givingDetails(organisation),
		appealTexts: organisation.appeal_texts,
		organisationNumber: organisation.organisation_number,
		taxReportEnabled: organisation.tax_report_enabled,
		taxReportThresholdMinor: organisation.tax_report_threshold_minor,
		embedOrigins: organisation.embed_origins,
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
				embed_origins: settings.embedOrigins,
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
	cachedSettings.delete(db);
	useOrganisationTimeZone(settings.timeZone);
}
