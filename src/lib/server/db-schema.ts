import type { ColumnType, Generated, Insertable, Selectable, Updateable } from 'kysely';
import type { Channel, ContributionKind, ContributionStatus, PlanStatus } from '../contribution';
import type { Locale } from '../locales';

// bigint columns are parsed to JavaScript numbers (see db.ts); minor units stay far below 2^53.
type Timestamp = ColumnType<Date, Date | string | undefined, Date | string>;
type CreatedAt = ColumnType<Date, never, never>;

export interface AppealText {
	title?: string;
	body?: string;
}

export interface OrganisationTable {
	id: Generated<number>;
	name: string;
	appeal_texts: ColumnType<Partial<Record<Locale, AppealText>>, string | undefined, string>;
	default_currency: string;
	card_fee_basis_points: Generated<number>;
	bank_name: Generated<string>;
	bank_account_number: Generated<string>;
	iban: Generated<string>;
	bic: Generated<string>;
	vipps_number: Generated<string>;
	contact_email: Generated<string>;
	created_at: CreatedAt;
	updated_at: Timestamp;
}

export interface CurrencySettingTable {
	currency: string;
	is_enabled: Generated<boolean>;
	position: Generated<number>;
	preset_amounts_minor: number[];
	minimum_minor: number;
	maximum_minor: number;
	card_fee_fixed_minor: Generated<number>;
}

export interface SupporterTable {
	id: Generated<string>;
	email: string | null;
	name: Generated<string>;
	phone: string | null;
	country: string | null;
	preferred_locale: Generated<Locale>;
	has_contact_consent: Generated<boolean>;
	contact_consent_at: Date | null;
	is_anonymous_by_default: Generated<boolean>;
	notes: Generated<string>;
	tags: Generated<string[]>;
	merged_into: string | null;
	stripe_customer_id: string | null;
	created_at: CreatedAt;
	updated_at: Timestamp;
}

export interface RecurringPlanTable {
	id: Generated<string>;
	supporter_id: string;
	channel: Channel;
	amount_minor: number;
	currency: string;
	interval: Generated<'month'>;
	status: PlanStatus;
	external_id: string | null;
	started_at: Timestamp;
	canceled_at: Date | null;
	cancel_at_period_end: Generated<boolean>;
	current_period_end: Date | null;
	last_failure_reason: string | null;
	created_at: CreatedAt;
	updated_at: Timestamp;
}

export interface ContributionTable {
	id: Generated<string>;
	supporter_id: string;
	recurring_plan_id: string | null;
	channel: Channel;
	kind: ContributionKind;
	amount_minor: number;
	currency: string;
	fee_minor: number | null;
	net_minor: number | null;
	status: ContributionStatus;
	received_at: Timestamp;
	external_reference: string | null;
	payment_reference: string | null;
	refunded_minor: Generated<number>;
	note: Generated<string>;
	dedication: Generated<string>;
	is_anonymous: Generated<boolean>;
	created_at: CreatedAt;
	updated_at: Timestamp;
}

export interface CheckoutAttemptTable {
	id: Generated<string>;
	kind: ContributionKind;
	currency: string;
	amount_minor: number;
	fee_top_up_minor: Generated<number>;
	email: string;
	name: Generated<string>;
	is_anonymous: Generated<boolean>;
	dedication: Generated<string>;
	locale: Generated<string>;
	stripe_checkout_session_id: string | null;
	status: Generated<'created' | 'open' | 'completed' | 'expired' | 'failed'>;
	created_at: CreatedAt;
	updated_at: Timestamp;
}

export interface StripeEventTable {
	id: string;
	type: string;
	stripe_created_at: Date;
	payload: ColumnType<unknown, string, string>;
	status: Generated<'received' | 'processed' | 'failed'>;
	attempts: Generated<number>;
	last_error: string | null;
	received_at: CreatedAt;
	processed_at: Date | null;
}

export interface RateLimitTable {
	key: string;
	window_start: Date;
	count: number;
}

export interface Database {
	organisation: OrganisationTable;
	currency_setting: CurrencySettingTable;
	supporter: SupporterTable;
	recurring_plan: RecurringPlanTable;
	contribution: ContributionTable;
	checkout_attempt: CheckoutAttemptTable;
	stripe_event: StripeEventTable;
	rate_limit: RateLimitTable;
}

export type Supporter = Selectable<SupporterTable>;
export type NewSupporter = Insertable<SupporterTable>;
export type SupporterUpdate = Updateable<SupporterTable>;
export type Contribution = Selectable<ContributionTable>;
export type NewContribution = Insertable<ContributionTable>;
export type RecurringPlan = Selectable<RecurringPlanTable>;
