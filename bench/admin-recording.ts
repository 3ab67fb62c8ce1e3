import { sql, type Kysely } from 'kysely';
import { recordGift } from '../src/lib/server/giving/contributions.ts';
import type { Database } from '../src/lib/server/db/schema.ts';

// What the summary triggers cost the path every gift takes: recordGift in a transaction
// of its own, 8 at a time, with the triggers off and on in turn (five rounds each, medians
// compared), on a database of its own.

export interface RecordingCost {
	giftsPerRound: number;
	concurrency: number;
	withoutTriggers: number[];
	withTriggers: number[];
	medianWithout: number;
	medianWith: number;
}

const median = (values: number[]) =>
	[...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

export async function measureRecordingCost(
	db: Kysely<Database>,
	{ gifts = 3000, concurrency = 8, rounds = 5 } = {}
): Promise<RecordingCost> {
	const supporters = await db
		.insertInto('supporter')
		.values(
			Array.from({ length: 500 }, (_, i) => ({
				name: `Giver ${i}`,
				email: `giver${i}@example.com`
			}))
		)
		.returning('id')
		.execute();
	let reference = 0;
	const round = async () => {
		let next = 0;
		const started = performance.now();
		await Promise.all(
			Array.from({ length: concurrency }, async () => {
				while (next < gifts) {
					const i = next++;
					await db.transaction().execute((trx) =>
						recordGift(trx, {
							supporter_id: supporters[i % supporters.length].id,
							channel: 'card',
							kind: 'one_off',
							amount_minor: 25000,
							currency: 'NOK',
							status: 'succeeded',
							external_reference: `pi_bench_${reference++}`
						})
					);
				}
			})
		);
		return Math.round(gifts / ((performance.now() - started) / 1000));
	};
	const withoutTriggers: number[] = [];
	const withTriggers: number[] = [];
	await round(); // warm-up
	for (let i = 0; i < rounds; i++) {
		await sql`alter table contribution disable trigger user`.execute(db);
		withoutTriggers.push(await round());
		await sql`alter table contribution enable trigger user`.execute(db);
		withTriggers.push(await round());
	}
	return {
		giftsPerRound: gifts,
		concurrency,
		withoutTriggers,
		withTriggers,
		medianWithout: median(withoutTriggers),
		medianWith: median(withTriggers)
	};
}
