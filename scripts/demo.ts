// npm run demo — fills the database (DATABASE_URL, or the embedded one) with a living newsroom's
// supporters: a few hundred people, a few thousand gifts over 18 months by card, bank transfer,
// Vipps and cash, monthly plans, and the odd refund and failure. Every gift goes through
// recordGift, as the app's own do. Run it once: it refuses if demo data is present.
import { sql, type Kysely } from 'kysely';
import { recordGift } from '../src/lib/server/giving/contributions.ts';
import {
	createDatabase,
	databaseOptionsFromEnv,
	describeDatabase
} from '../src/lib/server/db/connection.ts';
import type { Database } from '../src/lib/server/db/schema.ts';
import { migrateToLatest } from '../src/lib/server/db/migrate.ts';
import { upsertPlan } from '../src/lib/server/giving/plans.ts';
import type { Channel, ContributionStatus, PlanStatus } from '../src/lib/giving/vocabulary.ts';
import { afghanFirst, afghanLast, norwegianFirst, norwegianLast } from './sample-names.ts';

const SUPPORTERS = 320;
const ONE_OFF_GIFTS = 2200;
const DEMO_TAG = 'demo';
const MONTH_MS = 30.44 * 24 * 3600 * 1000;

// The same data on every run: a small seeded generator (mulberry32).
let seed = 20261125;
function random(): number {
	seed = (seed + 0x6d2b79f5) | 0;
	let t = seed;
	t = Math.imul(t ^ (t >>> 15), t | 1);
	t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
	return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
}
const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)];
const chance = (p: number) => random() < p;

// Some supporters write their names in Pashto or Dari.
const scriptNames = [
	'احمد کریمی',
	'فاطمه رحیمی',
	'زهرا نوری',
	'حمید احمدی',
	'لیلا حکیمی',
	'ملالۍ یوسفزۍ',
	'نسرین صافی',
	'عمید وردک'
];
const tags = ['newsletter', 'major-donor', 'volunteer', 'board', 'event-2025'];
const notes = [
	'',
	'',
	'',
	'Met at the Oslo Mela festival.',
	'Prefers contact in Dari.',
	'Gives every Ramadan.',
	'Former board member.'
];

const ascii = (text: string) =>
	text.toLowerCase().replace(/ø/g, 'o').replace(/å/g, 'a').replace(/æ/g, 'ae');

/** A 7-digit KID with its MOD10 (Luhn) check digit, as Norwegian banks print them. */
function kid(number: number): string {
	const digits = String(number).padStart(6, '0');
	let sum = 0;
	for (let i = 0; i < digits.length; i++) {
		let d = Number(digits[digits.length - 1 - i]);
		if (i % 2 === 0) {
			d *= 2;
			if (d > 9) d -= 9;
		}
		sum += d;
	}
	return digits + String((10 - (sum % 10)) % 10);
}

interface DemoSupporter {
	id: string;
	joinedAt: Date;
}

async function addSupporters(db: Kysely<Database>, now: Date): Promise<DemoSupporter[]> {
	const supporters: DemoSupporter[] = [];
	for (let i = 1; i <= SUPPORTERS; i++) {
		const isAfghan = chance(0.55);
		const first = isAfghan ? pick(afghanFirst) : pick(norwegianFirst);
		const last = isAfghan ? pick(afghanLast) : pick(norwegianLast);
		const name = isAfghan && chance(0.08) ? pick(scriptNames) : `${first} ${last}`;
		const hasConsent = chance(0.55);
		const joinedAt = new Date(now.getTime() - random() * 24 * MONTH_MS);
		const row = await db
			.insertInto('supporter')
			.values({
				name,
				email: chance(0.95)
					? `${ascii(first)}.${ascii(last)}${i}@${pick(['example.com', 'example.org', 'example.net'])}`
					: null,
				phone: chance(0.6)
					? `+47 ${pick(['4', '9'])}${String(Math.floor(random() * 100)).padStart(2, '0')} ${String(Math.floor(random() * 100)).padStart(2, '0')} ${String(Math.floor(random() * 1000)).padStart(3, '0')}`
					: null,
				reference: chance(0.25) ? kid(100000 + i) : null,
				country: isAfghan && chance(0.3) ? 'AF' : 'NO',
				preferred_locale: isAfghan
					? pick(['ps', 'fa-AF', 'nb', 'en'] as const)
					: pick(['nb', 'en'] as const),
				has_contact_consent: hasConsent,
				contact_consent_at: hasConsent ? joinedAt : null,
				tags: [DEMO_TAG, ...(chance(0.35) ? [pick(tags)] : [])],
				notes: pick(notes)
			})
			.returning('id')
			.executeTakeFirstOrThrow();
		await sql`update supporter set created_at = ${joinedAt} where id = ${row.id}`.execute(db);
		supporters.push({ id: row.id, joinedAt });
	}
	return supporters;
}

function amountFor(currency: string): number {
	if (currency === 'NOK')
		return pick([10000, 20000, 25000, 30000, 50000, 50000, 100000, 150000, 500000]);
	return pick([1000, 1500, 2000, 2500, 5000, 10000, 20000]);
}

async function addMonthlyPlans(
	db: Kysely<Database>,
	supporters: DemoSupporter[],
	now: Date
): Promise<number> {
	let gifts = 0;
	const planners = supporters.filter(() => chance(0.17));
	for (const [index, supporter] of planners.entries()) {
		const channel: Channel = chance(0.7) ? 'card' : 'vipps';
		const currency = channel === 'card' && chance(0.15) ? pick(['EUR', 'USD']) : 'NOK';
		const amountMinor =
			currency === 'NOK' ? pick([10000, 20000, 25000, 50000]) : pick([1000, 1500, 2500]);
		const status: PlanStatus =
			index % 10 === 0 ? 'past_due' : index % 4 === 0 ? 'canceled' : 'active';
		const months = 2 + Math.floor(random() * 17);
		const startedAt = new Date(now.getTime() - months * MONTH_MS);
		const canceledAt =
			status === 'canceled'
				? new Date(now.getTime() - Math.floor(random() * months) * MONTH_MS)
				: null;
		const plan = await upsertPlan(db, {
			supporterId: supporter.id,
			channel,
			externalId: `demo_${channel}_plan_${index}`,
			amountMinor,
			currency,
			status,
			startedAt,
			canceledAt,
			cancelAtPeriodEnd: false,
			currentPeriodEnd: status === 'canceled' ? null : new Date(now.getTime() + MONTH_MS / 2),
			lastFailureReason: status === 'past_due' ? 'Your card was declined.' : null
		});
		for (let month = 0; month < months; month++) {
			const receivedAt = new Date(startedAt.getTime() + month * MONTH_MS);
			if (canceledAt && receivedAt > canceledAt) break;
			const isLast = month === months - 1;
			const giftStatus: ContributionStatus =
				status === 'past_due' && isLast ? 'failed' : 'succeeded';
			await recordGift(db, {
				supporter_id: supporter.id,
				recurring_plan_id: plan.id,
				channel,
				kind: 'monthly',
				amount_minor: amountMinor,
				currency,
				status: giftStatus,
				received_at: receivedAt,
				external_reference: `demo_${channel}_${index}_${month}`
			});
			gifts++;
		}
	}
	return gifts;
}

async function addOneOffGifts(db: Kysely<Database>, supporters: DemoSupporter[], now: Date) {
	for (let i = 0; i < ONE_OFF_GIFTS; i++) {
		// Some supporters give often, most now and then.
		const supporter = supporters[Math.floor(supporters.length * random() ** 1.7)];
		const channel: Channel = pick([
			'card',
			'card',
			'card',
			'card',
			'bank_transfer',
			'bank_transfer',
			'bank_transfer',
			'vipps',
			'vipps',
			'cash'
		]);
		const currency =
			channel === 'vipps' || channel === 'cash'
				? 'NOK'
				: chance(0.86)
					? 'NOK'
					: pick(['EUR', 'EUR', 'USD']);
		const amountMinor = amountFor(currency);
		const since = Math.max(supporter.joinedAt.getTime(), now.getTime() - 18 * MONTH_MS);
		const receivedAt = new Date(since + random() * (now.getTime() - since));
		let status: ContributionStatus = 'succeeded';
		let refundedMinor = 0;
		let voidReason: string | null = null;
		const roll = random();
		if (channel === 'card' && roll < 0.02) status = 'failed';
		else if (channel === 'card' && roll < 0.03) {
			status = 'refunded';
			refundedMinor = amountMinor;
		} else if (channel === 'card' && roll < 0.035) {
			status = 'partially_refunded';
			refundedMinor = Math.round(amountMinor / 2);
		} else if (channel !== 'card' && roll < 0.01) {
			status = 'voided';
			voidReason = 'Recorded twice by mistake.';
		}
		await recordGift(db, {
			supporter_id: supporter.id,
			channel,
			kind: 'one_off',
			amount_minor: amountMinor,
			currency,
			status,
			refunded_minor: refundedMinor,
			void_reason: voidReason,
			received_at: receivedAt,
			external_reference: channel === 'cash' ? null : `demo_${channel}_${i}`,
			payment_reference: channel === 'card' ? `demo_pi_${i}` : null,
			fee_minor: channel === 'card' ? Math.round(amountMinor * 0.024) + 200 : null,
			note: channel === 'cash' && chance(0.3) ? 'Handed over at the community evening.' : '',
			dedication: chance(0.03) ? 'In memory of my father.' : '',
			is_anonymous: chance(0.05)
		});
	}
}

const options = databaseOptionsFromEnv();
const db = createDatabase(options);
try {
	await migrateToLatest(db);
	const present = await db
		.selectFrom('supporter')
		.select(sql<number>`count(*)::bigint`.as('count'))
		.where(sql<boolean>`tags @> array[${DEMO_TAG}]::text[]`)
		.executeTakeFirstOrThrow();
	if (present.count > 0) {
		console.log(
			`Demo data is already in ${describeDatabase(options)} (${present.count} supporters tagged "${DEMO_TAG}"); nothing added.`
		);
	} else {
		const now = new Date();
		const result = await db.transaction().execute(async (trx) => {
			const supporters = await addSupporters(trx, now);
			const monthlyGifts = await addMonthlyPlans(trx, supporters, now);
			await addOneOffGifts(trx, supporters, now);
			return { supporters: supporters.length, gifts: monthlyGifts + ONE_OFF_GIFTS };
		});
		console.log(
			`Added ${result.supporters} demo supporters and ${result.gifts} gifts to ${describeDatabase(options)}.`
		);
		console.log('Sign in to the admin (/admin) to see them.');
	}
} catch (error) {
	console.error('The demo data could not be added; nothing was saved.');
	console.error(error);
	process.exitCode = 1;
} finally {
	await db.destroy();
}
