import type { ColumnType, Generated, Insertable, Selectable, Updateable } from 'kysely';
import type {
	Channel,
	ContributionKind,
	ContributionStatus,
	PlanStatus
} from '../../giving/vocabulary';
import type { Locale } from '../../locales';

// bigint columns are parsed to JavaScript numbers (see db.ts); minor units stay far below 2^53.
type Timestamp = ColumnType<Date, Date | string | undefined, Date | string>;
type CreatedAt = ColumnType<Date, never, never>;

export type ContactConsentSource = 'appeal' | 'my_giving' | 'staff';

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
	/** IANA time zone of every date and day Komak shows or counts; Europe/Oslo by default. */
	time_zone: Generated<string>;
	tax_report_enabled: Generated<boolean>;
	tax_report_threshold_minor: Generated<number>;
	organisation_number: Generated<string>;
	/** Sites allowed to show the appeal in a frame (CSP frame-ancestors), e.g. https://news.example.org. */
	embed_origins: Generated<string[]>;
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
	/** The words the supporter agreed to, as the appeal or "My giving" showed them. */
	contact_consent_wording: string | null;
	/** Where the current answer was given; null before anyone answered. */
	contact_consent_source: ContactConsentSource | null;
	/** When consent was last withdrawn (on "My giving" or by staff). */
	contact_consent_withdrawn_at: Date | null;
	is_anonymous_by_default: Generated<boolean>;
	notes: Generated<string>;
	tags: Generated<string[]>;
	merged_into: string | null;
	stripe_customer_id: string | null;
	reference: string | null;
	/** The personal KID (src/lib/supporters/kid.ts), handed out by the database's default. */
	kid: Generated<string>;
	erased_at: Date | null;
	created_at: CreatedAt;
	updated_at: Timestamp;
}

/** Where a started checkout, a plan or a gift came from: a campaign and, without a cookie, the link's utm_* values and the page that sent the reader. */
export interface AttributionColumns {
	campaign_id: string | null;
	utm_source: string | null;
	utm_medium: string | null;
	utm_campaign: string | null;
	/** The embedding article's URL, or the referring page's origin and path. */
	source_page: string | null;
}

export interface CampaignTable {
	id: Generated<string>;
	slug: string;
	name: string;
	/** `YYYY-MM-DD`, in the organisation's time zone. */
	starts_on: ColumnType<string, string, string>;
	ends_on: ColumnType<string | null, string | null, string | null>;
	goals: ColumnType<Record<string, number>, string | undefined, string>;
	appeal_texts: ColumnType<Partial<Record<Locale, AppealText>>, string | undefined, string>;
	preset_amounts: ColumnType<Record<string, number[]>, string | undefined, string>;
	default_frequency: 'one_off' | 'monthly' | null;
	created_at: CreatedAt;
	updated_at: Timestamp;
}

export interface RecurringPlanTable extends Partial<AttributionColumns> {
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
	/** What the supporter wrote when cancelling (Stripe's cancellation_details.comment). */
	cancellation_comment: string | null;
	created_at: CreatedAt;
	updated_at: Timestamp;
}

export interface ContributionTable extends Partial<AttributionColumns> {
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
	/** Only the day is known (a hand-recorded or imported gift, stored at midday UTC): show no time. */
	is_date_only: Generated<boolean>;
	external_reference: string | null;
	/** A bank transfer's identity in every import format (src/lib/imports/transaction-key.ts). */
	bank_transaction_key: string | null;
	payment_reference: string | null;
	refunded_minor: Generated<number>;
	note: Generated<string>;
	dedication: Generated<string>;
	is_anonymous: Generated<boolean>;
	recorded_by: string | null;
	import_batch_id: string | null;
	void_reason: string | null;
	receipt_number: number | null;
	/** Staff ticked "send receipt" for a hand-recorded or imported gift. */
	receipt_requested: Generated<boolean>;
	/** Why a gift that would have a receipt has none (see migration 20261126090000). */
	receipt_skip_reason: 'before_receipts' | 'no_email' | null;
	created_at: CreatedAt;
	updated_at: Timestamp;
}

/** The gift a supporter asked for on the appeal, kept while they pay (by card or with Vipps). */
export interface StartedDonationColumns extends Partial<AttributionColumns> {
	/** The words of the contact opt-in the supporter ticked; null when left unticked. */
	contact_consent_wording?: string | null;
	kind: ContributionKind;
	currency: string;
	amount_minor: number;
	fee_top_up_minor: Generated<number>;
	email: string;
	name: Generated<string>;
	is_anonymous: Generated<boolean>;
	dedication: Generated<string>;
	locale: Generated<string>;
}

export interface CheckoutAttemptTable extends StartedDonationColumns {
	id: Generated<string>;
	stripe_checkout_session_id: string | null;
	status: Generated<'created' | 'open' | 'completed' | 'expired' | 'failed'>;
	created_at: CreatedAt;
	updated_at: Timestamp;
}

/** A provider's webhook event as stored: handled once, retried on failure. */
export interface ProviderEventColumns {
	payload: ColumnType<unknown, string, string>;
	status: Generated<'received' | 'processed' | 'failed'>;
	attempts: Generated<number>;
	last_error: string | null;
	received_at: CreatedAt;
	processed_at: Date | null;
}

export interface StripeEventTable extends ProviderEventColumns {
	id: string;
	type: string;
	stripe_created_at: Date;
}

export type VippsPaymentState = 'CREATED' | 'AUTHORIZED' | 'ABORTED' | 'EXPIRED' | 'TERMINATED';

export interface VippsPaymentTable extends StartedDonationColumns {
	reference: string;
	state: Generated<VippsPaymentState>;
	created_at: CreatedAt;
	updated_at: Timestamp;
}

export interface VippsEventTable extends ProviderEventColumns {
	id: string;
	name: string;
	reference: string;
	vipps_timestamp: Date;
	/** When the event may next be taken to apply (see provider-events.ts). */
	apply_after: Generated<Date>;
}

export interface VippsAgreementTable extends Partial<AttributionColumns> {
	contact_consent_wording?: string | null;
	reference: string;
	agreement_id: string | null;
	currency: string;
	amount_minor: number;
	email: string;
	name: Generated<string>;
	is_anonymous: Generated<boolean>;
	dedication: Generated<string>;
	locale: Generated<string>;
	status: Generated<'PENDING' | 'ACTIVE' | 'STOPPED' | 'EXPIRED'>;
	/** `YYYY-MM-DD`: the due date of the next charge to create. */
	next_charge_on: string | null;
	charge_day: number | null;
	created_at: CreatedAt;
	updated_at: Timestamp;
}

export interface VippsChargeTable {
	charge_id: string;
	agreement_id: string;
	period: string;
	due_on: string;
	created_at: CreatedAt;
}

export interface VippsWebhookTable {
	id: string;
	url: string;
	events: string[];
	secret: string;
	created_at: CreatedAt;
}

export interface RateLimitTable {
	key: string;
	window_start: Date;
	count: number;
}

/** Sign-in guesses per account or known device, for the growing wait between them. */
export interface AttemptBackoffTable {
	key: string;
	/** Attempts since the last right answer (each counted before it is checked). */
	attempts: number;
	last_attempt_at: Date;
}

export type StaffRole = 'admin' | 'staff' | 'viewer';

export interface StaffUserTable {
	id: Generated<string>;
	email: string;
	name: Generated<string>;
	/** Null for an invited account until its invitee sets a password. */
	password_hash: string | null;
	role: StaffRole;
	totp_secret_encrypted: string | null;
	totp_enabled_at: Date | null;
	/** The time step of the last code used, so that no code is accepted twice. */
	totp_last_step: number | null;
	recovery_code_hashes: Generated<string[]>;
	is_disabled: Generated<boolean>;
	/** The admin's language for this account; null until its first signed-in page. */
	locale: string | null;
	password_changed_at: Timestamp;
	last_signed_in_at: Date | null;
	created_at: CreatedAt;
	updated_at: Timestamp;
}

export interface StaffSessionTable {
	id: string;
	staff_user_id: string;
	secret_hash: Uint8Array;
	is_two_factor_verified: Generated<boolean>;
	last_verified_at: Timestamp;
	/** Sign-in time, from which the absolute lifetime counts; given on insert, never changed. */
	created_at: ColumnType<Date, Date | undefined, never>;
	user_agent: Generated<string>;
}

export interface StaffSetupTokenTable {
	token_hash: Uint8Array;
	expires_at: Date;
	created_at: CreatedAt;
}

export interface StaffInviteTokenTable {
	token_hash: Uint8Array;
	staff_user_id: string;
	/** The language the invitation was written in. */
	locale: string;
	expires_at: Date;
	used_at: Date | null;
	created_at: CreatedAt;
}

export interface AuditLogTable {
	id: Generated<number>;
	staff_user_id: string | null;
	action: string;
	entity_type: string;
	entity_id: string | null;
	before: ColumnType<unknown, string | null | undefined, string | null>;
	after: ColumnType<unknown, string | null | undefined, string | null>;
	request_id: string | null;
	created_at: CreatedAt;
}

export type ImportFormat = 'camt053' | 'bank_csv' | 'vipps_csv';

export interface ImportBatchTable {
	id: Generated<string>;
	format: ImportFormat;
	file_name: string;
	file_sha256: string;
	row_count: number;
	created_count: number;
	duplicate_count: number;
	staff_user_id: string | null;
	created_at: CreatedAt;
}

/** A row staff chose not to import, by its reference and (bank rows) its key across formats. */
export interface ImportSkippedRowTable {
	channel: Channel;
	external_reference: string;
	bank_transaction_key: string | null;
	import_batch_id: string;
}

export interface ImportMappingTable {
	header_signature: string;
	mapping: ColumnType<Record<string, string>, string, string>;
	updated_at: Timestamp;
}

// Kept up to date by triggers on contribution (migration 20261125130000_admin_lists); read-only
// for the app. Only gifts that count (succeeded; partially refunded net of the refund) are in them.
export interface SupporterGivingTable {
	supporter_id: string;
	last_gift_at: Date | null;
	gift_count: Generated<number>;
	channels: Generated<Channel[]>;
}

export interface SupporterTotalTable {
	supporter_id: string;
	currency: string;
	total_minor: Generated<number>;
	gift_count: Generated<number>;
}

/** Every gift of a day (in the organisation's time zone), whatever its status, by currency, channel, kind and status. */
export interface ContributionDailyTotalTable {
	day: ColumnType<string, string, string>;
	currency: string;
	channel: Channel;
	kind: ContributionKind;
	status: ContributionStatus;
	shard: number;
	gift_count: Generated<number>;
	amount_minor: Generated<number>;
	refunded_minor: Generated<number>;
}

/** `kept`: held in the outbox because no mail server (SMTP_URL) is set; not sent by itself. */
export type EmailStatus = 'queued' | 'sending' | 'sent' | 'failed' | 'kept';

/** A file made when the message is sent, named by what it shows. */
export type EmailAttachment =
	| { type: 'receipt'; contributionId: string }
	| { type: 'statement'; supporterId: string; year: number };

export interface EmailMessageTable {
	id: Generated<string>;
	kind: string;
	to_address: string;
	supporter_id: string | null;
	locale: Generated<string>;
	subject: string;
	text_body: string;
	html_body: string;
	attachments: ColumnType<EmailAttachment[], string | undefined, string>;
	dedupe_key: string | null;
	status: Generated<EmailStatus>;
	attempts: Generated<number>;
	next_attempt_at: Timestamp;
	locked_until: Date | null;
	last_error: string | null;
	sent_at: Date | null;
	created_at: CreatedAt;
}

export interface SupporterTaxIdentityTable {
	supporter_id: string;
	kind: 'fnr' | 'dnr';
	identifier_sealed: string;
	last_digits: string;
	consented_at: Timestamp;
	updated_at: Timestamp;
}

export interface StatementRunTable {
	id: Generated<string>;
	year: number;
	status: Generated<'running' | 'finished'>;
	total: Generated<number>;
	processed: Generated<number>;
	queued: Generated<number>;
	last_supporter_id: string | null;
	started_by: string | null;
	created_at: CreatedAt;
	updated_at: Timestamp;
	finished_at: Date | null;
}

export interface SupporterSignInTokenTable {
	token_hash: Uint8Array;
	supporter_id: string;
	expires_at: Date;
	used_at: Date | null;
	created_at: CreatedAt;
}

export interface SupporterSessionTable {
	id: string;
	supporter_id: string;
	secret_hash: Uint8Array;
	last_verified_at: Timestamp;
	created_at: CreatedAt;
}

export interface Database {
	organisation: OrganisationTable;
	currency_setting: CurrencySettingTable;
	supporter: SupporterTable;
	recurring_plan: RecurringPlanTable;
	contribution: ContributionTable;
	campaign: CampaignTable;
	checkout_attempt: CheckoutAttemptTable;
	stripe_event: StripeEventTable;
	vipps_payment: VippsPaymentTable;
	vipps_event: VippsEventTable;
	vipps_webhook: VippsWebhookTable;
	vipps_agreement: VippsAgreementTable;
	vipps_charge: VippsChargeTable;
	rate_limit: RateLimitTable;
	attempt_backoff: AttemptBackoffTable;
	staff_user: StaffUserTable;
	staff_session: StaffSessionTable;
	staff_setup_token: StaffSetupTokenTable;
	staff_invite_token: StaffInviteTokenTable;
	audit_log: AuditLogTable;
	import_batch: ImportBatchTable;
	import_mapping: ImportMappingTable;
	import_skipped_row: ImportSkippedRowTable;
	supporter_giving: SupporterGivingTable;
	supporter_total: SupporterTotalTable;
	contribution_daily_total: ContributionDailyTotalTable;
	email_message: EmailMessageTable;
	supporter_tax_identity: SupporterTaxIdentityTable;
	statement_run: StatementRunTable;
	supporter_sign_in_token: SupporterSignInTokenTable;
	supporter_session: SupporterSessionTable;
}

export type Supporter = Selectable<SupporterTable>;
export type NewSupporter = Insertable<SupporterTable>;
export type SupporterUpdate = Updateable<SupporterTable>;
export type Contribution = Selectable<ContributionTable>;
export type NewContribution = Insertable<ContributionTable>;
export type RecurringPlan = Selectable<RecurringPlanTable>;
export type StaffUser = Selectable<StaffUserTable>;
export type StaffSession = Selectable<StaffSessionTable>;
export type CheckoutAttempt = Selectable<CheckoutAttemptTable>;
export type VippsPayment = Selectable<VippsPaymentTable>;
export type VippsAgreement = Selectable<VippsAgreementTable>;
export type EmailMessage = Selectable<EmailMessageTable>;
