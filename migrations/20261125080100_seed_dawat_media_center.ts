import { sql, type Kysely } from 'kysely';

// The first home of Komak. Staff change these in the admin settings; a fresh install always
// starts with a working appeal.
export async function up(db: Kysely<any>): Promise<void> {
	await db
		.insertInto('organisation')
		.values({
			id: 1,
			name: 'Dawat Media Center',
			default_currency: 'NOK',
			card_fee_basis_points: 240,
			bank_name: 'DNB',
			bank_account_number: '0530 2294668',
			iban: 'NO15 0530 2294 668',
			bic: 'DNBANOKKXXX',
			vipps_number: '557320',
			contact_email: 'support@dawatmedia.no'
		})
		.onConflict((oc) => oc.column('id').doNothing())
		.execute();

	const currencies = [
		// amounts in minor units (øre / cents)
		{
			currency: 'NOK',
			position: 0,
			presets: [10000, 25000, 50000, 100000],
			min: 1000,
			max: 5000000,
			fixed: 200
		},
		{
			currency: 'EUR',
			position: 1,
			presets: [1000, 2500, 5000, 10000],
			min: 1000,
			max: 500000,
			fixed: 25
		},
		{
			currency: 'USD',
			position: 2,
			presets: [1000, 2500, 5000, 10000],
			min: 1000,
			max: 500000,
			fixed: 30
		}
	];
	for (const c of currencies) {
		await db
			.insertInto('currency_setting')
			.values({
				currency: c.currency,
				position: c.position,
				is_enabled: true,
				preset_amounts_minor: sql`${sql.val(c.presets)}::bigint[]`,
				minimum_minor: c.min,
				maximum_minor: c.max,
				card_fee_fixed_minor: c.fixed
			})
			.onConflict((oc) => oc.column('currency').doNothing())
			.execute();
	}
}

export async function down(db: Kysely<any>): Promise<void> {
	await db.deleteFrom('currency_setting').execute();
	await db.deleteFrom('organisation').execute();
}
