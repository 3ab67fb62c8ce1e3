import { sql, type Kysely, type Selectable, type SqlBool, type Transaction } from 'kysely';
import type { CampaignInput } from '../../campaigns/campaign-form.ts';
import { organisationDay } from '../../dates.ts';
import type { Attribution } from '../../campaigns/attribution.ts';
import type { AttributionColumns, CampaignTable, Database } from '../db/schema.ts';
import { recordAudit } from '../organisation/audit.ts';

type Db = Kysely<Database> | Transaction<Database>;

// Campaigns: the campaign table's one writer, the live campaign an appeal shows, and its
// progress (succeeded gifts of every channel, one total per currency).

export interface Campaign extends CampaignInput {
	id: string;
}

type CampaignRow = Selectable<CampaignTable>;

const dayText = (value: unknown): string | null =>
	value == null
		? null
		: value instanceof Date
			? value.toISOString().slice(0, 10)
			: String(value).slice(0, 10);

function toCampaign(row: CampaignRow): Campaign {
	return {
		id: row.id,
		name: row.name,
		slug: row.slug,
		startsOn: dayText(row.starts_on)!,
		endsOn: dayText(row.ends_on),
		goals: row.goals ?? {},
		appealTexts: row.appeal_texts ?? {},
		presetAmounts: row.preset_amounts ?? {},
		defaultFrequency: row.default_frequency
	};
}

const columnsOf = (campaign: CampaignInput) => ({
	name: campaign.name,
	slug: campaign.slug,
	starts_on: campaign.startsOn,
	ends_on: campaign.endsOn,
	goals: JSON.stringify(campaign.goals),
	appeal_texts: JSON.stringify(campaign.appealTexts),
	preset_amounts: JSON.stringify(campaign.presetAmounts),
	default_frequency: campaign.defaultFrequency
});

/** Every campaign, the newest first. */
export async function listCampaigns(db: Db): Promise<Campaign[]> {
	const rows = await db
		.selectFrom('campaign')
		.selectAll()
		.orderBy('starts_on', 'desc')
		.orderBy('name')
		.execute();
	return rows.map(toCampaign);
}

export async function findCampaign(db: Db, id: string): Promise<Campaign | undefined> {
	if (!/^[0-9a-f-]{36}$/i.test(id)) return undefined;
	const row = await db.selectFrom('campaign').selectAll().where('id', '=', id).executeTakeFirst();
	return row && toCampaign(row);
}

export async function findCampaignBySlug(db: Db, slug: string): Promise<Campaign | undefined> {
	const row = await db
		.selectFrom('campaign')
		.selectAll()
		.where('slug', '=', slug.toLowerCase())
		.executeTakeFirst();
	return row && toCampaign(row);
}

/** Whether a campaign runs on a day (`YYYY-MM-DD` in the organisation's time zone). */
export const isRunning = (campaign: Pick<Campaign, 'startsOn' | 'endsOn'>, day: string) =>
	campaign.startsOn <= day && (campaign.endsOn === null || campaign.endsOn >= day);

/**
 * The campaign an appeal shows: one that runs today. An unknown, future or ended campaign is no
 * campaign: the reader gets the organisation's own appeal, with no error.
 */
export async function findRunningCampaign(
	db: Db,
	slug: string | null | undefined
): Promise<Campaign | null> {
	if (!slug || slug.length > 63) return null;
	const campaign = await findCampaignBySlug(db, slug);
	return campaign && isRunning(campaign, organisationDay(new Date())) ? campaign : null;
}

/** The campaigns running today, each with its progress, for the dashboard. */
export async function runningCampaigns(db: Db) {
	const today = organisationDay(new Date());
	const running = (await listCampaigns(db)).filter((campaign) => isRunning(campaign, today));
	return Promise.all(
		running.map(async (campaign) => ({
			id: campaign.id,
			name: campaign.name,
			progress: await campaignProgress(db, campaign)
		}))
	);
}

export class SlugTakenError extends Error {}

const isUniqueViolation = (error: unknown) =>
	typeof error === 'object' && error !== null && (error as { code?: string }).code === '23505';

interface StaffContext {
	staffUserId: string;
	requestId: string;
}

/** Creates a campaign with its audit entry; a slug in use throws SlugTakenError. */
export async function createCampaign(
	db: Kysely<Database>,
	campaign: CampaignInput,
	context: StaffContext
): Promise<string> {
	try {
		return await db.transaction().execute(async (trx) => {
			const { id } = await trx
				.insertInto('campaign')
				.values(columnsOf(campaign))
				.returning('id')
				.executeTakeFirstOrThrow();
			await recordAudit(trx, {
				...context,
				action: 'campaign.create',
				entityType: 'campaign',
				entityId: id,
				after: campaign
			});
			return id;
		});
	} catch (error) {
		if (isUniqueViolation(error)) throw new SlugTakenError();
		throw error;
	}
}

/** Saves a campaign's changes with its audit entry; a slug in use throws SlugTakenError. */
export async function updateCampaign(
	db: Kysely<Database>,
	id: string,
	campaign: CampaignInput,
	context: StaffContext
): Promise<void> {
	try {
		await db.transaction().execute(async (trx) => {
			const before = await findCampaign(trx, id);
			if (!before) throw new Error(`No campaign ${id}`);
			await trx
				.updateTable('campaign')
				.set({ ...columnsOf(campaign), updated_at: sql`now()` })
				.where('id', '=', id)
				.execute();
			await recordAudit(trx, {
				...context,
				action: 'campaign.update',
				entityType: 'campaign',
				entityId: id,
				before,
				after: campaign
			});
		});
	} catch (error) {
		if (isUniqueViolation(error)) throw new SlugTakenError();
		throw error;
	}
}

export interface CampaignProgress {
	/** One line per currency given in or with a goal: never added together. */
	currencies: { currency: string; raisedMinor: number; goalMinor: number | null }[];
	givers: number;
}

/**
 * What a campaign has raised: succeeded gifts of every channel (card, Vipps, bank, by hand),
 * less what was refunded of a partly refunded one; failed, refunded, disputed and voided gifts
 * count nowhere.
 */
export async function campaignProgress(db: Db, campaign: Campaign): Promise<CampaignProgress> {
	const counted = db
		.selectFrom('contribution')
		.where('campaign_id', '=', campaign.id)
		.where(sql<SqlBool>`komak_counts(status)`);
	const [totals, givers] = await Promise.all([
		counted
			.select([
				'currency',
				sql<number>`sum(amount_minor - refunded_minor)::bigint`.as('raisedMinor')
			])
			.groupBy('currency')
			.execute(),
		counted
			.select(sql<number>`count(distinct supporter_id)::int`.as('givers'))
			.executeTakeFirstOrThrow()
	]);
	const currencies = new Set([...Object.keys(campaign.goals), ...totals.map((t) => t.currency)]);
	return {
		currencies: [...currencies].sort().map((currency) => ({
			currency,
			raisedMinor: Number(totals.find((t) => t.currency === currency)?.raisedMinor ?? 0),
			goalMinor: campaign.goals[currency] ?? null
		})),
		givers: Number(givers.givers)
	};
}

/** The columns a started checkout, plan or gift keeps of where it came from. */
export async function attributionColumns(
	db: Db,
	attribution: Attribution
): Promise<AttributionColumns> {
	const campaign = await findRunningCampaign(db, attribution.campaignSlug);
	return {
		campaign_id: campaign?.id ?? null,
		utm_source: attribution.utmSource,
		utm_medium: attribution.utmMedium,
		utm_campaign: attribution.utmCampaign,
		source_page: attribution.sourcePage
	};
}

/** A row's attribution columns, copied as they are (from a checkout to its plan and gifts). */
export const copyAttribution = (row: Partial<AttributionColumns> | null | undefined) => ({
	campaign_id: row?.campaign_id ?? null,
	utm_source: row?.utm_source ?? null,
	utm_medium: row?.utm_medium ?? null,
	utm_campaign: row?.utm_campaign ?? null,
	source_page: row?.source_page ?? null
});
