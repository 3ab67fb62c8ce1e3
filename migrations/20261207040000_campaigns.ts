import { sql, type Kysely } from 'kysely';

// Campaigns: an appeal tied to a story or a season, with its own words, amounts and goal. Every
// started checkout, plan and gift may name the campaign it came from and, without a cookie, where
// the reader came from: the utm_* values of the link and the page (an article) that sent them.
// A monthly plan keeps what its first gift came from, so each month's gift is counted there too.

const attributedTables = [
	'checkout_attempt',
	'vipps_payment',
	'vipps_agreement',
	'recurring_plan',
	'contribution'
];

const startedTables = ['checkout_attempt', 'vipps_payment', 'vipps_agreement'];

export async function up(db: Kysely<any>): Promise<void> {
	await db.schema
		.createTable('campaign')
		.addColumn('id', 'uuid', (col) => col.primaryKey().defaultTo(sql`gen_random_uuid()`))
		.addColumn('slug', 'text', (col) => col.notNull().unique())
		.addColumn('name', 'text', (col) => col.notNull())
		.addColumn('starts_on', 'date', (col) => col.notNull())
		.addColumn('ends_on', 'date')
		// { "NOK": 5000000 }: a goal per currency, in minor units; currencies are never added.
		.addColumn('goals', 'jsonb', (col) => col.notNull().defaultTo(sql`'{}'::jsonb`))
		// { "fa-AF": { "title": …, "body": … } }, as the organisation's appeal texts.
		.addColumn('appeal_texts', 'jsonb', (col) => col.notNull().defaultTo(sql`'{}'::jsonb`))
		// { "NOK": [20000, 50000] }: preset amounts replacing the organisation's, per currency.
		.addColumn('preset_amounts', 'jsonb', (col) => col.notNull().defaultTo(sql`'{}'::jsonb`))
		.addColumn('default_frequency', 'text', (col) =>
			col.check(sql`default_frequency in ('one_off', 'monthly')`)
		)
		.addColumn('created_at', 'timestamptz', (col) => col.notNull().defaultTo(sql`now()`))
		.addColumn('updated_at', 'timestamptz', (col) => col.notNull().defaultTo(sql`now()`))
		.addCheckConstraint('campaign_slug_shape', sql`slug ~ '^[a-z0-9][a-z0-9-]{0,62}$'`)
		.addCheckConstraint('campaign_dates_order', sql`ends_on is null or ends_on >= starts_on`)
		.execute();

	for (const table of attributedTables) {
		await db.schema
			.alterTable(table)
			.addColumn('campaign_id', 'uuid', (col) => col.references('campaign.id'))
			.addColumn('utm_source', 'text')
			.addColumn('utm_medium', 'text')
			.addColumn('utm_campaign', 'text')
			.addColumn('source_page', 'text')
			.execute();
	}
	await sql`create index contribution_campaign_idx on contribution (campaign_id) where campaign_id is not null`.execute(
		db
	);
	await sql`create index contribution_source_page_idx on contribution (source_page) where source_page is not null`.execute(
		db
	);

	// The sites that may show the appeal inside their pages (CSP frame-ancestors), e.g.
	// https://news.example.org; none by default, so no site may frame it.
	await db.schema
		.alterTable('organisation')
		.addColumn('embed_origins', sql`text[]`, (col) => col.notNull().defaultTo(sql`'{}'`))
		.execute();

	// A consent is kept with the words the supporter agreed to; a started checkout keeps them (null:
	// the box was left unticked) until the gift's supporter is known.
	await db.schema.alterTable('supporter').addColumn('contact_consent_wording', 'text').execute();
	for (const table of startedTables)
		await db.schema.alterTable(table).addColumn('contact_consent_wording', 'text').execute();
}

export async function down(db: Kysely<any>): Promise<void> {
	await db.schema.alterTable('supporter').dropColumn('contact_consent_wording').execute();
	for (const table of startedTables)
		await db.schema.alterTable(table).dropColumn('contact_consent_wording').execute();
	await db.schema.alterTable('organisation').dropColumn('embed_origins').execute();
	for (const table of attributedTables) {
		await db.schema
			.alterTable(table)
			.dropColumn('campaign_id')
			.dropColumn('utm_source')
			.dropColumn('utm_medium')
			.dropColumn('utm_campaign')
			.dropColumn('source_page')
			.execute();
	}
	await db.schema.dropTable('campaign').execute();
}
