import { sql, type Kysely } from 'kysely';
import { CSV_BOM, csvLine, inertText } from '../../lists/csv.ts';
import { toDecimalString } from '../../money.ts';
import { recordAudit } from '../organisation/audit.ts';
import { openSecret } from '../auth/secret-box.ts';
import type { Database } from '../db/schema.ts';
import { findOrganisation } from '../organisation/settings.ts';
import { yearBounds } from './statements.ts';

// The Norwegian tax-deduction report (skattefradrag for gaver til frivillige organisasjoner):
// for a year, every supporter who gave their fødselsnummer or D-nummer with consent and whose
// NOK gifts that year, net of refunds, reach the threshold. Only NOK gifts count: the deduction
// is for gifts in kroner, and other currencies are never converted. The columns are described in
// the README.

export const taxReportColumns = [
	'year',
	'organisation_number',
	'identifier_type',
	'identifier',
	'name',
	'total_nok',
	'total_ore',
	'gift_count'
];

export interface TaxReportRow {
	supporterId: string;
	kind: 'fnr' | 'dnr';
	identifier: string;
	name: string;
	totalMinor: number;
	giftCount: number;
}

export type TaxReport =
	| { ok: true; year: number; organisationNumber: string; rows: TaxReportRow[] }
	| { ok: false; reason: 'disabled' | 'no_organisation_number' }
	/** A stored number could not be opened: the app's key is not the one it was sealed with. */
	| { ok: false; reason: 'unreadable'; supporterId: string };

type Refusal = { ok: false; reason: 'disabled' | 'no_organisation_number' };

/** The supporters who reach the threshold in a year, with their numbers still sealed. */
async function qualifyingSupporters(db: Kysely<Database>, year: number, thresholdMinor: number) {
	const { from, to } = yearBounds(year);
	const kept = sql<number>`sum(case when c.status = 'partially_refunded'
		then c.amount_minor - c.refunded_minor else c.amount_minor end)`;
	return db
		.selectFrom('supporter_tax_identity as t')
		.innerJoin('supporter as s', 's.id', 't.supporter_id')
		.innerJoin('contribution as c', 'c.supporter_id', 's.id')
		.select([
			's.id',
			's.name',
			't.kind',
			't.identifier_sealed',
			sql<number>`${kept}::bigint`.as('total_minor'),
			sql<number>`count(*)::int`.as('gift_count')
		])
		.where('s.erased_at', 'is', null)
		.where('s.merged_into', 'is', null)
		.where('c.currency', '=', 'NOK')
		.where('c.status', 'in', ['succeeded', 'partially_refunded'])
		.where('c.received_at', '>=', from)
		.where('c.received_at', '<', to)
		.groupBy(['s.id', 's.name', 't.kind', 't.identifier_sealed'])
		.having(kept, '>=', thresholdMinor)
		.orderBy(sql`lower(s.name)`)
		.orderBy('s.id')
		.execute();
}

async function reportSettings(db: Kysely<Database>) {
	const organisation = await findOrganisation(db);
	if (!organisation.tax_report_enabled) return { ok: false, reason: 'disabled' } as Refusal;
	if (!organisation.organisation_number)
		return { ok: false, reason: 'no_organisation_number' } as Refusal;
	return {
		ok: true as const,
		organisationNumber: organisation.organisation_number,
		thresholdMinor: organisation.tax_report_threshold_minor
	};
}

/** A year's report, by name; the identity numbers are opened here and nowhere else. */
export async function buildTaxReport(db: Kysely<Database>, year: number): Promise<TaxReport> {
	const settings = await reportSettings(db);
	if (!settings.ok) return settings;
	const rows: TaxReportRow[] = [];
	for (const row of await qualifyingSupporters(db, year, settings.thresholdMinor)) {
		let identifier: string;
		try {
			identifier = openSecret(row.identifier_sealed, `tax-identity:${row.id}`);
		} catch {
			return { ok: false, reason: 'unreadable', supporterId: row.id };
		}
		rows.push({
			supporterId: row.id,
			kind: row.kind,
			identifier,
			name: row.name,
			totalMinor: Number(row.total_minor),
			giftCount: Number(row.gift_count)
		});
	}
	return { ok: true, year, organisationNumber: settings.organisationNumber, rows };
}

/** What the page shows before the download: how many supporters, and the threshold. */
export async function taxReportPreview(db: Kysely<Database>, year: number) {
	const settings = await reportSettings(db);
	if (!settings.ok) return settings;
	const rows = await qualifyingSupporters(db, year, settings.thresholdMinor);
	return { ok: true as const, supporters: rows.length, thresholdMinor: settings.thresholdMinor };
}

export function taxReportCsv(report: Extract<TaxReport, { ok: true }>): string {
	return (
		CSV_BOM +
		csvLine(taxReportColumns) +
		report.rows
			.map((row) =>
				csvLine([
					String(report.year),
					report.organisationNumber,
					row.kind,
					row.identifier,
					inertText(row.name),
					toDecimalString(row.totalMinor, 'NOK'),
					String(row.totalMinor),
					String(row.giftCount)
				])
			)
			.join('')
	);
}

/** Identity numbers leave the system: who took which year's report, and how many were in it. */
export async function recordTaxReportExport(
	db: Kysely<Database>,
	context: { staffUserId: string; requestId?: string; year: number; rowCount: number }
): Promise<void> {
	await recordAudit(db, {
		staffUserId: context.staffUserId,
		requestId: context.requestId,
		action: 'tax_report.export',
		entityType: 'organisation',
		entityId: '1',
		after: { year: context.year, supporters: context.rowCount }
	});
}
