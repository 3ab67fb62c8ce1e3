import { mkdtemp, readdir, rm, symlink } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { sql, type Kysely } from 'kysely';
import type Stripe from 'stripe';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { recordGift } from '../../src/lib/server/giving/contributions.ts';
import type { Database, NewContribution } from '../../src/lib/server/db/schema.ts';
import { listOutbox, sendAgain } from '../../src/lib/server/mail/outbox-admin.ts';
import { queueEmail } from '../../src/lib/server/mail/outbox.ts';
import { queuePaymentFailedEmail } from '../../src/lib/server/mail/payment-failed-email.ts';
import { issueDueReceipts } from '../../src/lib/server/mail/receipts.ts';
import { createSmtpTransport, type MailTransport } from '../../src/lib/server/mail/transport.ts';
import {
	runMailTick,
	startMailWorker,
	type MailWorkerOptions
} from '../../src/lib/server/mail/worker.ts';
import { migrateToLatest, migrationsFolder } from '../../src/lib/server/db/migrate.ts';
import { createStripeClient } from '../../src/lib/server/stripe/sdk.ts';
import { requestSignInLink } from '../../src/lib/server/self-service/sign-in-link.ts';
import { receiveStripeEvent } from '../../src/lib/server/stripe/webhook.ts';
import { eraseSupporter } from '../../src/lib/server/privacy/erasure.ts';
import { startSmtpServer, type TestSmtpServer } from '../smtp.ts';
import { startStripeFake } from '../stripe-fake/server.ts';
import { oneOff } from '../stripe-fake/test-support.ts';
import { engines, type TestDatabase } from './databases.ts';

// The mail worker against a real SMTP server on loopback: receipts in the supporter's language,
// retries, two workers at once, and the outbox when no mail server is set.

/** Runs the worker round after round until a round finds nothing to do. */
async function drain(db: Kysely<Database>, options: MailWorkerOptions) {
	const total = { sent: 0, retrying: 0, failed: 0, kept: 0, receipts: 0 };
	for (;;) {
		const round = await runMailTick(db, options);
		total.sent += round.sent;
		total.retrying += round.retrying;
		total.failed += round.failed;
		total.kept += round.kept;
		total.receipts += round.receipts.issued;
		const didSomething =
			round.sent + round.retrying + round.failed + round.kept + round.receipts.issued > 0 ||
			round.receipts.skipped > 0;
		if (!didSomething) return total;
	}
}

let supporterCount = 0;
async function addSupporter(
	db: Kysely<Database>,
	fields: { name?: string; email?: string | null; locale?: 'en' | 'nb' | 'ps' | 'fa-AF' } = {}
) {
	supporterCount += 1;
	const row = await db
		.insertInto('supporter')
		.values({
			name: fields.name ?? `Supporter ${supporterCount}`,
			email: fields.email === undefined ? `supporter-${supporterCount}@example.org` : fields.email,
			preferred_locale: fields.locale ?? 'en'
		})
		.returning(['id', 'email'])
		.executeTakeFirstOrThrow();
	return row;
}

let giftCount = 0;
/** A gift through the one path every channel records with (as the webhook and imports do). */
async function recordTestGift(
	db: Kysely<Database>,
	supporterId: string,
	fields: Partial<NewContribution> = {}
) {
	giftCount += 1;
	const { contribution } = await recordGift(db, {
		supporter_id: supporterId,
		channel: 'card',
		kind: 'one_off',
		amount_minor: 25_000,
		currency: 'NOK',
		status: 'succeeded',
		received_at: new Date('2026-11-20T10:00:00Z'),
		external_reference: `pi_mail_${giftCount}_${Date.now()}`,
		...fields
	});
	return contribution;
}

const testMessage = (n: number) => ({
	kind: 'test',
	to: `reader-${n}@example.org`,
	locale: 'en',
	subject: `Test message ${n}`,
	text: `Hello ${n}`,
	html: `<p>Hello ${n}</p>`
});

describe.each(engines)('mail ($name)', ({ name: engine, create, available }) => {
	let test: TestDatabase;
	let smtp: TestSmtpServer;
	let transport: MailTransport;

	beforeAll(async () => {
		if (!available) return;
		test = await create();
		await migrateToLatest(test.db);
		await test.db
			.updateTable('organisation')
			.set({ organisation_number: '923 456 789', contact_email: 'support@dawatmedia.no' })
			.execute();
		smtp = await startSmtpServer();
		transport = createSmtpTransport(smtp.url);
	});
	afterAll(async () => {
		transport?.close();
		await smtp?.close();
		await test?.drop();
	});
	beforeEach(async () => {
		if (!available) return;
		// Each test starts with an empty queue and no receipt due from an earlier test.
		await test.db.deleteFrom('email_message').execute();
		await test.db
			.updateTable('contribution')
			.set({ receipt_skip_reason: 'before_receipts' })
			.where('receipt_number', 'is', null)
			.execute();
		smtp.messages.length = 0;
	});

	const worker = (): MailWorkerOptions => ({ transport });

	it.skipIf(!available)(
		'mails a card gift’s receipt in bokmål, and a monthly one in Dari written right to left',
		async () => {
			const kari = await addSupporter(test.db, {
				name: 'Kari Nordmann',
				email: 'kari@example.no',
				locale: 'nb'
			});
			const zarmina = await addSupporter(test.db, {
				name: 'زرمینه احمدی',
				email: 'zarmina@example.org',
				locale: 'fa-AF'
			});
			const oneOffGift = await recordTestGift(test.db, kari.id, { amount_minor: 25_000 });
			const monthlyGift = await recordTestGift(test.db, zarmina.id, {
				kind: 'monthly',
				amount_minor: 15_000
			});

			expect(await drain(test.db, worker())).toMatchObject({ receipts: 2, sent: 2, failed: 0 });
			const numbers = await test.db
				.selectFrom('contribution')
				.select(['id', 'receipt_number'])
				.where('id', 'in', [oneOffGift.id, monthlyGift.id])
				.execute();
			const numberOf = (id: string) => {
				const n = numbers.find((row) => row.id === id)!.receipt_number!;
				return `2026-${String(n).padStart(6, '0')}`;
			};

			const norwegian = smtp.messages.find((mail) => mail.to.includes('kari@example.no'))!;
			expect(norwegian.subject).toBe(`Takk for gaven – kvittering ${numberOf(oneOffGift.id)}`);
			expect(norwegian.user).toBe('komak');
			expect(norwegian.parsed.from?.value).toEqual([
				{ name: 'Dawat Media Center', address: 'support@dawatmedia.no' }
			]);
			expect(norwegian.text).toContain('Tusen takk, Kari Nordmann!');
			expect(norwegian.text).toContain(`Kvitteringsnummer: ${numberOf(oneOffGift.id)}`);
			expect(norwegian.text).toMatch(/Beløp: 250\s+kr/);
			expect(norwegian.text).toContain('Mottatt: 20. november 2026');
			expect(norwegian.text).toContain('Betalt med: Kort');
			expect(norwegian.text).toContain('Mottaker: Dawat Media Center');
			expect(norwegian.text).toContain('Organisasjonsnummer: 923 456 789');
			expect(norwegian.text).toContain('Kontakt: support@dawatmedia.no');
			expect(norwegian.text).not.toContain('månedlige gaven');
			expect(norwegian.html).toContain('<html lang="nb" dir="ltr">');
			// The receipt as a PDF, made when the message was sent.
			const [pdf] = norwegian.parsed.attachments;
			expect(pdf.contentType).toBe('application/pdf');
			expect(pdf.content.subarray(0, 5).toString()).toBe('%PDF-');

			const dari = smtp.messages.find((mail) => mail.to.includes('zarmina@example.org'))!;
			expect(dari.subject).toContain('تشکر از کمک شما');
			expect(dari.subject).toContain(numberOf(monthlyGift.id));
			expect(dari.html).toContain('dir="rtl"');
			expect(dari.html).toContain('lang="fa-AF"');
			expect(dari.text).toContain('زرمینه احمدی، تشکر فراوان!');
			expect(dari.text).toContain(`شماره رسید: \u2066${numberOf(monthlyGift.id)}\u2069`);
			// The amount and date in Dari's own digits; the date stays Gregorian.
			expect(dari.text).toMatch(/مبلغ: \S*NOK\s+۱۵۰/);
			expect(dari.text).toContain('۲۰ نومبر ۲۰۲۶');
			expect(dari.text).toContain('روش پرداخت: کارت');
			expect(dari.text).toContain('این کمک ماهوار شماست');

			const rows = await test.db
				.selectFrom('email_message')
				.select(['kind', 'status', 'attempts', 'dedupe_key', 'supporter_id', 'locale'])
				.orderBy('locale')
				.execute();
			expect(rows).toEqual([
				{
					kind: 'receipt',
					status: 'sent',
					attempts: 1,
					dedupe_key: `receipt:${monthlyGift.id}`,
					supporter_id: zarmina.id,
					locale: 'fa-AF'
				},
				{
					kind: 'receipt',
					status: 'sent',
					attempts: 1,
					dedupe_key: `receipt:${oneOffGift.id}`,
					supporter_id: kari.id,
					locale: 'nb'
				}
			]);
		}
	);

	it.skipIf(!available)(
		'gives a card gift one receipt, however often Stripe reports it, and every receipt its own number',
		async () => {
			const fake = await startStripeFake({ deliverWebhooks: false });
			try {
				const stripe = createStripeClient({
					STRIPE_SECRET_KEY: `sk_test_mail_${engine}`,
					STRIPE_API_URL: fake.url
				});
				const session = await stripe.checkout.sessions.create(oneOff);
				await fake.completeCheckout(session.id);
				const deliverAll = async (events: Stripe.Event[]) => {
					for (const event of events) await receiveStripeEvent(test.db, stripe, event);
				};
				// Every event twice, the second round after the receipt was made.
				await deliverAll(fake.events);
				expect(await issueDueReceipts(test.db)).toEqual({ issued: 1, skipped: 0 });
				await deliverAll([...fake.events].reverse());
				const [card] = await test.db
					.selectFrom('contribution')
					.selectAll()
					.where('payment_reference', 'is not', null)
					.where('channel', '=', 'card')
					.orderBy('created_at', 'desc')
					.limit(1)
					.execute();
				// The same gift reported once more through the one recording path.
				await recordGift(test.db, {
					supporter_id: card.supporter_id,
					channel: 'card',
					kind: 'one_off',
					amount_minor: card.amount_minor,
					currency: card.currency,
					status: 'succeeded',
					external_reference: card.external_reference
				});
				expect(await issueDueReceipts(test.db)).toEqual({ issued: 0, skipped: 0 });
				const receipts = await test.db
					.selectFrom('email_message')
					.select(['to_address', 'dedupe_key'])
					.execute();
				expect(receipts).toEqual([
					{ to_address: 'ada@example.org', dedupe_key: `receipt:${card.id}` }
				]);
			} finally {
				await fake.close();
			}

			const supporter = await addSupporter(test.db);
			for (let i = 0; i < 5; i++) await recordTestGift(test.db, supporter.id);
			expect(await issueDueReceipts(test.db, { limit: 3 })).toEqual({ issued: 3, skipped: 0 });
			expect(await issueDueReceipts(test.db, { limit: 3 })).toEqual({ issued: 2, skipped: 0 });
			const numbered = await test.db
				.selectFrom('contribution')
				.select('receipt_number')
				.where('receipt_number', 'is not', null)
				.execute();
			const numbers = numbered.map((row) => row.receipt_number);
			expect(new Set(numbers).size).toBe(numbers.length);
			expect(numbers.length).toBeGreaterThanOrEqual(6);
		}
	);

	it.skipIf(!available)(
		'sends a receipt for a hand-recorded gift only when staff asked and the supporter has an email',
		async () => {
			const withEmail = await addSupporter(test.db);
			const withoutEmail = await addSupporter(test.db, { email: null });
			const asked = await recordTestGift(test.db, withEmail.id, {
				channel: 'bank_transfer',
				receipt_requested: true
			});
			const notAsked = await recordTestGift(test.db, withEmail.id, { channel: 'cash' });
			const noAddress = await recordTestGift(test.db, withoutEmail.id, {
				channel: 'vipps',
				receipt_requested: true
			});
			const voided = await recordTestGift(test.db, withEmail.id, {
				channel: 'other',
				receipt_requested: true,
				status: 'voided'
			});

			expect(await issueDueReceipts(test.db)).toEqual({ issued: 1, skipped: 1 });
			expect(await issueDueReceipts(test.db)).toEqual({ issued: 0, skipped: 0 });
			const gifts = await test.db
				.selectFrom('contribution')
				.select(['id', 'receipt_number', 'receipt_skip_reason'])
				.where('id', 'in', [asked.id, notAsked.id, noAddress.id, voided.id])
				.execute();
			const gift = (id: string) => gifts.find((row) => row.id === id);
			expect(gift(asked.id)?.receipt_number).not.toBeNull();
			expect(gift(notAsked.id)).toMatchObject({ receipt_number: null, receipt_skip_reason: null });
			expect(gift(noAddress.id)).toMatchObject({
				receipt_number: null,
				receipt_skip_reason: 'no_email'
			});
			expect(gift(voided.id)).toMatchObject({ receipt_number: null, receipt_skip_reason: null });

			await drain(test.db, worker());
			expect(smtp.messages).toHaveLength(1);
			expect(smtp.messages[0].to).toEqual([withEmail.email]);
			expect(smtp.messages[0].text).toContain('Paid by: Bank transfer');
		}
	);

	it.skipIf(!available)(
		'tries a failing mail server again later: it fails twice, then the message arrives once',
		async () => {
			const id = (await queueEmail(test.db, testMessage(1)))!;
			const row = () =>
				test.db
					.selectFrom('email_message')
					.select([
						'status',
						'attempts',
						'last_error',
						'sent_at',
						sql<number>`extract(epoch from next_attempt_at - now())`.as('dueInSeconds')
					])
					.where('id', '=', id)
					.executeTakeFirstOrThrow();
			const aMinutePasses = () =>
				test.db
					.updateTable('email_message')
					.set({ next_attempt_at: sql`now()` })
					.where('id', '=', id)
					.execute();
			smtp.failNext(2);

			expect(await runMailTick(test.db, worker())).toMatchObject({ sent: 0, retrying: 1 });
			const first = await row();
			expect(first).toMatchObject({ status: 'queued', attempts: 1, sent_at: null });
			expect(first.last_error).toContain('451');
			expect(Number(first.dueInSeconds)).toBeGreaterThan(50);
			expect(Number(first.dueInSeconds)).toBeLessThanOrEqual(60);
			// Not due yet: the next round leaves it alone.
			expect(await runMailTick(test.db, worker())).toMatchObject({ sent: 0, retrying: 0 });

			await aMinutePasses();
			expect(await runMailTick(test.db, worker())).toMatchObject({ sent: 0, retrying: 1 });
			const second = await row();
			expect(second).toMatchObject({ status: 'queued', attempts: 2 });
			expect(Number(second.dueInSeconds)).toBeGreaterThan(4 * 60);

			await aMinutePasses();
			expect(await runMailTick(test.db, worker())).toMatchObject({ sent: 1, retrying: 0 });
			expect(await row()).toMatchObject({ status: 'sent', attempts: 3, last_error: null });
			expect(await drain(test.db, worker())).toMatchObject({ sent: 0 });
			expect(smtp.refused).toBeGreaterThanOrEqual(2);
			expect(smtp.messages.map((mail) => mail.subject)).toEqual(['Test message 1']);
		}
	);

	it.skipIf(!available)('two workers at once send each of 36 messages exactly once', async () => {
		const ids: string[] = [];
		for (let n = 1; n <= 36; n++) ids.push((await queueEmail(test.db, testMessage(n)))!);
		// Two instances of the app: each its own worker and its own connection to the mail server.
		const otherTransport = createSmtpTransport(smtp.url);
		try {
			const [first, second] = await Promise.all([
				drain(test.db, { transport, messagesPerTick: 4 }),
				drain(test.db, { transport: otherTransport, messagesPerTick: 4 })
			]);
			expect(first.sent + second.sent).toBe(36);
			expect(first.sent).toBeGreaterThan(0);
			expect(second.sent).toBeGreaterThan(0);
		} finally {
			otherTransport.close();
		}
		const received = smtp.messages.map((mail) => mail.messageId).sort();
		expect(received).toEqual(ids.map((id) => `<${id}@dawatmedia.no>`).sort());
		const rows = await test.db.selectFrom('email_message').select(['status', 'attempts']).execute();
		expect(rows.every((row) => row.status === 'sent' && row.attempts === 1)).toBe(true);
	});

	it.skipIf(!available)(
		'the running worker sends what is queued, and once stopped takes nothing more',
		async () => {
			for (let n = 1; n <= 3; n++) await queueEmail(test.db, testMessage(n));
			const running = startMailWorker(test.db, {
				transport: createSmtpTransport(smtp.url),
				intervalMs: 20
			});
			await smtp.waitForMessages(3);
			await running.stop();
			const late = (await queueEmail(test.db, testMessage(4)))!;
			await new Promise((resolve) => setTimeout(resolve, 100));
			const rows = await test.db
				.selectFrom('email_message')
				.select(['id', 'status'])
				.orderBy('created_at')
				.execute();
			expect(rows.map((row) => row.status)).toEqual(['sent', 'sent', 'sent', 'queued']);
			expect(rows.at(-1)!.id).toBe(late);
			expect(smtp.messages).toHaveLength(3);
		}
	);

	it.skipIf(!available)(
		'keeps mail in the outbox without a mail server; staff can send it once there is one',
		async () => {
			const supporter = await addSupporter(test.db, { locale: 'ps' });
			await recordTestGift(test.db, supporter.id);
			for (let n = 1; n <= 2; n++) await queueEmail(test.db, testMessage(n));

			expect(await drain(test.db, { transport: null })).toMatchObject({ receipts: 1, kept: 3 });
			expect(smtp.messages).toHaveLength(0);

			// Newest first, a page at a time.
			const first = await listOutbox(test.db, { pageSize: 2 });
			expect(first.messages.map((row) => row.status)).toEqual(['kept', 'kept']);
			expect(first.olderCursor).not.toBeNull();
			const older = await listOutbox(test.db, { pageSize: 2, cursor: first.olderCursor });
			expect(older.olderCursor).toBeNull();
			const listed = [...first.messages, ...older.messages];
			expect(listed.map((row) => row.kind).sort()).toEqual(['receipt', 'test', 'test']);
			const times = listed.map((row) => row.created_at.getTime());
			expect(times).toEqual([...times].sort((a, b) => b - a));

			const receipt = listed.find((row) => row.kind === 'receipt')!;
			expect(receipt.subject).toContain('ستاسو د مرستې مننه');
			const staff = await test.db
				.insertInto('staff_user')
				.values({ email: `admin-${engine}@dawat.no`, password_hash: 'x', role: 'admin' })
				.returning('id')
				.executeTakeFirstOrThrow();
			const context = { staffUserId: staff.id, requestId: 'test-request' };
			expect(await sendAgain(test.db, receipt.id, context)).toBe(true);
			expect(await sendAgain(test.db, receipt.id, context)).toBe(false);
			expect(await drain(test.db, worker())).toMatchObject({ sent: 1 });
			expect(smtp.messages.map((mail) => mail.to)).toEqual([[supporter.email]]);
			expect(smtp.messages[0].html).toContain('dir="rtl"');

			// Erasing the supporter takes their mail out of the outbox too.
			await eraseSupporter(test.db, supporter.id, context);
			const left = await listOutbox(test.db);
			expect(left.messages.map((row) => row.kind)).toEqual(['test', 'test']);
		}
	);

	it.skipIf(!available)(
		'mails sign-in links and failed-payment notes in bokmål, and in Dari written right to left',
		async () => {
			const kari = await addSupporter(test.db, { email: 'kari.link@example.no', locale: 'nb' });
			const zarmina = await addSupporter(test.db, {
				name: 'زرمینه',
				email: 'zarmina.link@example.org',
				locale: 'fa-AF'
			});
			const origin = 'https://give.dawatmedia.no';
			for (const supporter of [kari, zarmina]) {
				await requestSignInLink(test.db, {
					email: supporter.email!,
					clientAddress: `192.0.2.${supporterCount}`,
					origin,
					minimumAnswerMs: 0
				});
				await queuePaymentFailedEmail(test.db, {
					supporterId: supporter.id,
					invoiceId: `in_link_test_${supporter.id}`,
					amountMinor: 20_000,
					currency: 'NOK',
					declineCode: 'insufficient_funds',
					nextAttemptAt: null,
					origin
				});
			}
			expect(await drain(test.db, worker())).toMatchObject({ sent: 4, failed: 0 });
			const mailTo = (address: string, subject: RegExp) =>
				smtp.messages.find((mail) => mail.to.includes(address) && subject.test(mail.subject))!;

			const norwegianLink = mailTo('kari.link@example.no', /Innloggingslenken/);
			expect(norwegianLink.subject).toBe('Innloggingslenken din hos Dawat Media Center');
			expect(norwegianLink.text).toContain('Logg inn på Mine gaver');
			expect(norwegianLink.text).toMatch(
				/Logg inn: https:\/\/give\.dawatmedia\.no\/my\/sign-in\?token=[a-z2-7]{32}/
			);
			expect(norwegianLink.html).toContain('<html lang="nb" dir="ltr">');
			const dariLink = mailTo('zarmina.link@example.org', /لینک ورود/);
			expect(dariLink.subject).toBe('لینک ورود شما برای Dawat Media Center');
			expect(dariLink.text).toContain('ورود به «کمک‌های من»');
			expect(dariLink.text).toMatch(/https:\/\/give\.dawatmedia\.no\/my\/sign-in\?token=/);
			expect(dariLink.html).toContain('<html lang="fa-AF" dir="rtl">');

			const norwegianFailure = mailTo('kari.link@example.no', /gikk ikke gjennom/);
			expect(norwegianFailure.text).toMatch(/Denne månedens betaling på 200\s+kr gikk ikke/);
			expect(norwegianFailure.text).toContain('Det var ikke nok penger tilgjengelig på kortet.');
			// The button signs this supporter in, once: the link is the sign-in link's kind.
			expect(norwegianFailure.text).toContain(`Oppdater kortet mitt: ${origin}/my/sign-in?token=`);
			const dariFailure = mailTo('zarmina.link@example.org', /پرداخت نشد/);
			expect(dariFailure.subject).toBe('کمک ماهوار شما به Dawat Media Center پرداخت نشد');
			expect(dariFailure.text).toContain('پول کافی در کارت موجود نبود.');
			expect(dariFailure.text).toContain('کارت خود را تازه کنید');
			expect(dariFailure.html).toContain('<html lang="fa-AF" dir="rtl">');
		}
	);
});

// The migration's SQL is the same on both engines (and runs on PGlite in every suite above); the
// upgrade itself is tried on PostgreSQL, where production databases with past gifts live.
describe('upgrading a database with past gifts', () => {
	const { create, available } = engines[0];
	let test: TestDatabase;
	let folder: string;

	beforeAll(async () => {
		if (!available) return;
		test = await create();
		// The migrations as they were before receipts existed.
		folder = await mkdtemp(path.join(tmpdir(), 'komak-migrations-'));
		for (const file of await readdir(migrationsFolder()))
			if (file < '20261126090000')
				await symlink(path.join(migrationsFolder(), file), path.join(folder, file));
	});
	afterAll(async () => {
		await test?.drop();
		if (folder) await rm(folder, { recursive: true, force: true });
	});

	it.skipIf(!available)(
		'mails no receipt for gifts made before receipts existed, but does for one that succeeds later',
		async () => {
			await migrateToLatest(test.db, folder);
			const supporter = await addSupporter(test.db);
			const past = await recordTestGift(test.db, supporter.id);
			const pending = await recordTestGift(test.db, supporter.id, {
				status: 'pending',
				received_at: new Date()
			});

			await migrateToLatest(test.db);
			expect(await issueDueReceipts(test.db)).toEqual({ issued: 0, skipped: 0 });
			await recordGift(test.db, {
				supporter_id: supporter.id,
				channel: 'card',
				kind: 'one_off',
				amount_minor: pending.amount_minor,
				currency: 'NOK',
				status: 'succeeded',
				external_reference: pending.external_reference
			});
			expect(await issueDueReceipts(test.db)).toEqual({ issued: 1, skipped: 0 });
			const gifts = await test.db
				.selectFrom('contribution')
				.select(['id', 'receipt_number', 'receipt_skip_reason'])
				.execute();
			expect(gifts.find((gift) => gift.id === past.id)).toMatchObject({
				receipt_number: null,
				receipt_skip_reason: 'before_receipts'
			});
			expect(gifts.find((gift) => gift.id === pending.id)?.receipt_number).not.toBeNull();
		}
	);
});
