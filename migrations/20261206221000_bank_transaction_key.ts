import { sql, type Kysely } from 'kysely';

// One identity per bank transaction across formats (src/lib/imports/transaction-key.ts): a
// transfer imported from camt.053 and again from a CSV export is recorded once. Gifts imported
// before get their key here, from what they kept: the account (camt.053 references start with it;
// CSV exports came from the organisation's account), the booking date (imports record midday UTC),
// the amount and currency, numbered in the order they were recorded.

export async function up(db: Kysely<any>): Promise<void> {
	await db.schema.alterTable('contribution').addColumn('bank_transaction_key', 'text').execute();
	await sql`
		with imported as (
			select c.id, c.received_at, c.amount_minor, c.currency, c.created_at,
				upper(regexp_replace(
					case when b.format = 'camt053' and position(':' in c.external_reference) > 0
						then split_part(c.external_reference, ':', 1)
						else (select bank_account_number from organisation where id = 1) end,
					'[[:space:].-]', '', 'g')) as account
			from contribution c
			join import_batch b on b.id = c.import_batch_id
			where c.channel = 'bank_transfer' and b.format in ('camt053', 'bank_csv')
		), keyed as (
			select id,
				'bank:' || coalesce(nullif(case when account ~ '^NO[0-9]{13}$' then substr(account, 5) else account end, ''), '?')
				|| '|' || to_char(received_at at time zone 'UTC', 'YYYY-MM-DD')
				|| '|' || amount_minor || '|' || currency as base,
				received_at, created_at
			from imported
		)
		update contribution set bank_transaction_key = numbered.key
		from (
			select id, base || '|' || row_number() over (partition by base order by received_at, created_at, id) as key
			from keyed
		) as numbered
		where contribution.id = numbered.id`.execute(db);
	await sql`create unique index contribution_bank_transaction_key on contribution (bank_transaction_key) where bank_transaction_key is not null`.execute(
		db
	);
}

export async function down(db: Kysely<any>): Promise<void> {
	await sql`drop index contribution_bank_transaction_key`.execute(db);
	await db.schema.alterTable('contribution').dropColumn('bank_transaction_key').execute();
}
