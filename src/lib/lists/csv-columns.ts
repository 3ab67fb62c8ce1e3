import {
	channelLabel,
	kindLabel,
	statusLabel,
	type Channel,
	type ContributionKind,
	type ContributionStatus
} from '../giving/vocabulary.ts';
import { isLocale, localeNames, textDirection, type Locale } from '../locales.ts';
import { m } from '../paraglide/messages.js';
import type { CsvDialect } from './csv.ts';

// What the exports' columns are called and how their coded values read, per dialect. The Excel
// export is read by people, so its header and its codes (channel, status, one-off or monthly,
// yes/no) are in the exporting staff member's admin language. The standard CSV is read by tools
// and scripts, which find a column by its name: there the names are fixed English keys and the
// values the stored codes, the same whoever exports, whatever their language.

type Label = (inputs: { zone: string }, options: { locale: Locale }) => string;

/** A column: its key (standard CSV) and its name for people (Excel). */
export interface CsvColumn {
	key: string;
	label: Label;
}

const column = (key: string, label: Label): CsvColumn => ({ key, label });

export const contributionCsvColumns: readonly CsvColumn[] = [
	column('id', m.lists_csv_gift_id),
	column('received_at', m.lists_csv_received_at),
	column('status', m.lists_csv_status),
	column('kind', m.lists_csv_kind),
	column('channel', m.lists_csv_channel),
	column('currency', m.lists_csv_currency),
	column('amount', m.lists_csv_amount),
	column('refunded', m.lists_csv_refunded),
	column('fee', m.lists_csv_fee),
	column('supporter_id', m.lists_csv_supporter_id),
	column('supporter_name', m.lists_csv_supporter_name),
	column('supporter_email', m.lists_csv_supporter_email),
	column('supporter_erased', m.lists_csv_supporter_erased),
	column('reference', m.lists_csv_reference),
	column('payment_reference', m.lists_csv_payment_reference),
	column('recurring_plan_id', m.lists_csv_recurring_plan_id),
	column('anonymous', m.lists_csv_anonymous),
	column('dedication', m.lists_csv_dedication),
	column('note', m.lists_csv_note),
	column('void_reason', m.lists_csv_void_reason),
	column('campaign', m.lists_csv_campaign),
	column('utm_source', m.lists_csv_utm_source),
	column('utm_medium', m.lists_csv_utm_medium),
	column('utm_campaign', m.lists_csv_utm_campaign),
	column('source_page', m.lists_csv_source_page)
];

export const supporterCsvColumns: readonly CsvColumn[] = [
	column('id', m.lists_csv_supporter_id),
	column('name', m.lists_csv_name),
	column('email', m.lists_csv_email),
	column('phone', m.lists_csv_phone),
	column('reference', m.lists_csv_reference),
	column('country', m.lists_csv_country),
	column('preferred_locale', m.lists_csv_preferred_language),
	column('contact_consent', m.lists_csv_contact_consent),
	column('contact_consent_at', m.lists_csv_contact_consent_at),
	column('tags', m.lists_csv_tags),
	column('erased', m.lists_csv_erased),
	column('created_at', m.lists_csv_created_at),
	column('last_gift_at', m.lists_csv_last_gift_at),
	column('gift_count', m.lists_csv_gift_count),
	column('channels', m.lists_csv_channels),
	column('active_monthly', m.lists_csv_active_monthly)
];

/** A supporter's total in one currency: `total_NOK`, or "Total given, NOK" for Excel. */
export const supporterTotalColumn = (currency: string): CsvColumn => ({
	key: `total_${currency}`,
	label: (_inputs, options) => m.lists_csv_total({ currency }, options)
});

/** Who reads the export, and in which language. */
export interface CsvReader {
	dialect: CsvDialect;
	locale: Locale;
	/** The organisation's time zone in the reader's words, named in the Excel header of local times. */
	timeZoneName: string;
}

export function csvHeader(columns: readonly CsvColumn[], reader: CsvReader): string[] {
	if (reader.dialect === 'standard') return columns.map((c) => c.key);
	return columns.map((c) => c.label({ zone: reader.timeZoneName }, { locale: reader.locale }));
}

/** A coded value as the export writes it. */
export interface CsvWords {
	yesNo(value: boolean): string;
	channel(channel: Channel): string;
	channels(channels: Channel[]): string;
	status(status: ContributionStatus): string;
	kind(kind: ContributionKind): string;
	language(code: string): string;
}

const storedCodes: CsvWords = {
	yesNo: (value) => (value ? 'true' : 'false'),
	channel: (channel) => channel,
	channels: (channels) => channels.join(', '),
	status: (status) => status,
	kind: (kind) => kind,
	language: (code) => code
};

export function csvWords({ dialect, locale }: CsvReader): CsvWords {
	if (dialect === 'standard') return storedCodes;
	const options = { locale };
	const yes = m.lists_yes({}, options);
	const no = m.lists_no({}, options);
	const channel = (code: Channel) => channelLabel(code, locale);
	return {
		yesNo: (value) => (value ? yes : no),
		channel,
		// The Arabic comma between words in Pashto and Dari.
		channels: (codes) => codes.map(channel).join(textDirection(locale) === 'rtl' ? '، ' : ', '),
		status: (status) => statusLabel(status, 'staff', locale),
		kind: (kind) => kindLabel(kind, { locale }),
		// Each language by its own name, as the supporter's page shows it.
		language: (code) => (isLocale(code) ? localeNames[code] : code)
	};
}
