import type { Kysely, Transaction } from 'kysely';
import { isLocale, type Locale } from '../../locales.ts';
import {
	statementStatuses,
	statementTotals,
	type StatementGift,
	type StatementTotal
} from '../../documents/statement.ts';
import { endOfDay, startOfDay, yearOf } from '../organisation/calendar.ts';
import type { Contribution, Database } from '../db/schema.ts';
import { toGiftSummary, type GiftSummaryRow } from '../giving/gift-summary.ts';
import { isSupporterId } from '../supporters/profile.ts';

// The facts behind a year-end statement and a gift's receipt, read from the database. The rules
// of what counts are in ../statement.ts; the PDFs are drawn in ./documents/.

type Db = Kysely<Database> | Transaction<Database>;

const uuidShape = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export interface DocumentSupporter {
	id: string;
	name: string;
	email: string | null;
	preferredLocale: Locale;
	isErased: boolean;
	/** The personal KID a bank transfer quotes to be recorded as theirs. */
	kid: string;
}

export interface Statement {
	supporter: DocumentSupporter;
	year: number;
	/** Oldest first, as a statement reads. */
	gifts: StatementGift[];
	totals: StatementTotal[];
}

/** A year is a calendar year in Norway, where the organisation keeps its books. */
export function yearBounds(year: number) {
	return { from: startOfDay(`${year}-01-01`), to: endOfDay(`${year}-12-31`) };
}

export function isStatementYear(year: number): boolean {
	return Number.isInteger(year) && year >= 2000 && year <= 2100;
}

async function findDocumentSupporter(
	db: Db,
	supporterId: string
): Promise<DocumentSupporter | undefined> {
	if (!isSupporterId(supporterId)) return undefined;
	const row = await db
		.selectFrom('supporter')
		.select(['id', 'name', 'email', 'preferred_locale', 'erased_at', 'merged_into', 'kid'])
		.where('id', '=', supporterId)
		.executeTakeFirst();
	if (!row || row.merged_into) return undefined;
	return {
		id: row.id,
		name: row.name,
		email: row.email,
		preferredLocale: isLocale(row.preferred_locale) ? row.preferred_locale : 'en',
		isErased: row.erased_at !== null,
		kid: row.kid
	};
}

/** What a statement line and a receipt show of a gift. */
const giftColumns = [
	'id',
	'received_at',
	'is_date_only',
	'channel',
	'kind',
	'amount_minor',
	'refunded_minor',
	'currency',
	'status',
	'receipt_number'
] as const;

const toStatementGift = (
	row: GiftSummaryRow & Pick<Contribution, 'receipt_number'>
): StatementGift => ({ ...toGiftSummary(row), receiptNumber: row.receipt_number });

/** A supporter's statement for a year, or undefined when there is no such (unmerged) supporter. */
export async function loadStatement(
	db: Db,
	supporterId: string,
	year: number
): Promise<Statement | undefined> {
	if (!isStatementYear(year)) return undefined;
	const supporter = await findDocumentSupporter(db, supporterId);
	if (!supporter) return undefined;
	const { from, to } = yearBounds(year);
	const rows = await db
		.selectFrom('contribution')
		.select(giftColumns)
		.where('supporter_id', '=', supporterId)
		.where('status', 'in', statementStatuses)
		.where('received_at', '>=', from)
		.where('received_at', '<', to)
		.orderBy('received_at')
		.orderBy('id')
		.execute();
	const gifts = rows.map(toStatementGift);
	return { supporter, year, gifts, totals: statementTotals(gifts) };
}

/** The years (newest first) in which a supporter has a gift a statement lists. */
export async function listStatementYears(db: Db, supporterId: string): Promise<number[]> {
	if (!isSupporterId(supporterId)) return [];
	const rows = await db
		.selectFrom('contribution')
		.select(yearOf('received_at').as('year'))
		.distinct()
		.where('supporter_id', '=', supporterId)
		.where('status', 'in', statementStatuses)
		.orderBy('year', 'desc')
		.execute();
	return rows.map((row) => Number(row.year));
}

export interface Receipt {
	supporter: DocumentSupporter;
	gift: StatementGift;
}

/** A gift that was given (refunded or not) with its supporter; undefined for anything else. */
export async function loadReceipt(db: Db, contributionId: string): Promise<Receipt | undefined> {
	if (!uuidShape.test(contributionId)) return undefined;
	const row = await db
		.selectFrom('contribution')
		.select(['supporter_id', ...giftColumns])
		.where('id', '=', contributionId)
		.where('status', 'in', statementStatuses)
		.executeTakeFirst();
	if (!row) return undefined;
	const supporter = await findDocumentSupporter(db, row.supporter_id);
	if (!supporter) return undefined;
	return {
		supporter,
		gift: toStatementGift(row)
	};
}
