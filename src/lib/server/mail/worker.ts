import { sql, type ExpressionBuilder, type Kysely } from 'kysely';
import { config, type Config } from '../config.ts';
import type { Database, EmailMessage } from '../db/schema.ts';
import { log } from '../log.ts';
import { findOrganisation } from '../organisation/settings.ts';
import { issueDueReceipts, type IssuedReceipts } from './receipts.ts';
import { afterFailure, describeDeliveryError, MAX_ATTEMPTS, type DeliveryError } from './retry.ts';
import { createSmtpTransport, type MailTransport, type OutgoingMail } from './transport.ts';

// The mail worker: every few seconds it issues due receipts, then sends a few due messages from
// the queue (email_message). It runs inside every app instance; PostgreSQL's row locks
// (`for update skip locked`) share the work, so no two instances take the same message. A claimed
// message is the claimer's until `locked_until`; only if that instance dies mid-send does another
// take it up after the claim runs out. Without a mail server (no SMTP_URL), due messages are kept
// in the outbox for staff to read at /admin/outbox and are not sent later by themselves.

export interface MailWorkerOptions {
	/** Where mail goes; null when no mail server is set. */
	transport: MailTransport | null;
	/** The From address (MAIL_FROM); otherwise the organisation's name and contact email. */
	mailFrom?: string;
	messagesPerTick?: number;
	receiptsPerTick?: number;
	/** The site's public origin: receipts link to the supporter's own page there. */
	origin?: string;
	/** How long a claimed message stays the claimer's; far longer than one delivery may take. */
	claimMinutes?: number;
}

export interface TickResult {
	receipts: IssuedReceipts;
	sent: number;
	/** Failed this time, to be tried again later. */
	retrying: number;
	/** Given up: failed for good or too many times. */
	failed: number;
	/** Held in the outbox: no mail server. */
	kept: number;
}

// Exactly the predicate of the partial index email_message_due_idx (migration 20261126080000),
// plus the claim: a message someone is sending is due again only once their claim ran out.
const isDue = sql<boolean>`status in ('queued', 'sending') and next_attempt_at <= now()
	and (locked_until is null or locked_until < now())`;

/** Up to `limit` due messages, oldest due first, locked for this worker; messages other workers
 * hold are skipped, not waited for. */
const dueMessageIds = (eb: ExpressionBuilder<Database, 'email_message'>, limit: number) =>
	eb
		.selectFrom('email_message')
		.select('id')
		.where(isDue)
		.orderBy('next_attempt_at')
		.limit(limit)
		.forUpdate()
		.skipLocked();

/**
 * Takes up to `limit` due messages, oldest due first, for this worker: status `sending`, one more
 * attempt, claimed for `claimMinutes`. Messages other workers hold are skipped, not waited for.
 */
export async function claimDueMessages(
	db: Kysely<Database>,
	{ limit, claimMinutes }: { limit: number; claimMinutes: number }
): Promise<EmailMessage[]> {
	return db
		.updateTable('email_message')
		.set({
			status: 'sending',
			attempts: sql`attempts + 1`,
			locked_until: sql`now() + make_interval(mins => ${claimMinutes})`
		})
		.where('id', 'in', (eb) => dueMessageIds(eb, limit))
		.returningAll()
		.execute();
}

/** With no mail server: due messages are kept in the outbox. Returns how many. */
export async function keepDueMessages(db: Kysely<Database>, limit: number): Promise<number> {
	const result = await db
		.updateTable('email_message')
		.set({ status: 'kept', locked_until: null })
		.where('id', 'in', (eb) => dueMessageIds(eb, limit))
		.executeTakeFirst();
	return Number(result.numUpdatedRows);
}

// A claimed message's outcome is written only while the claim is still this worker's (same
// status and attempt count), so a worker that outlived its claim cannot overwrite a newer one.
const stillClaimed = (message: EmailMessage) =>
	sql<boolean>`id = ${message.id} and status = 'sending' and attempts = ${message.attempts}`;

async function markSent(db: Kysely<Database>, message: EmailMessage): Promise<void> {
	await db
		.updateTable('email_message')
		.set({ status: 'sent', sent_at: sql`now()`, locked_until: null, last_error: null })
		.where(stillClaimed(message))
		.execute();
}

async function markFailed(
	db: Kysely<Database>,
	message: EmailMessage,
	error: DeliveryError
): Promise<'retrying' | 'failed'> {
	const next = afterFailure(message.attempts, error);
	await db
		.updateTable('email_message')
		.set({
			status: next.giveUp ? 'failed' : 'queued',
			last_error: describeDeliveryError(error),
			locked_until: null,
			...(next.giveUp
				? {}
				: { next_attempt_at: sql`now() + make_interval(mins => ${next.retryInMinutes})` })
		})
		.where(stillClaimed(message))
		.execute();
	return next.giveUp ? 'failed' : 'retrying';
}

type Sender = Pick<OutgoingMail, 'from' | 'replyTo'>;

/** MAIL_FROM, or the organisation's own name and contact email. */
async function findSender(db: Kysely<Database>, mailFrom: string | undefined): Promise<Sender> {
	const organisation = await findOrganisation(db);
	const contact = organisation.contact_email.trim();
	if (mailFrom) return { from: mailFrom, replyTo: contact || undefined };
	if (!contact)
		throw new Error('No sender address: set the contact email in Settings, or MAIL_FROM.');
	return { from: { name: organisation.name, address: contact } };
}

function messageIdFor(message: EmailMessage, sender: Sender): string {
	const address = typeof sender.from === 'string' ? sender.from : sender.from.address;
	const domain = /@([^\s>]+)/.exec(address)?.[1] ?? 'komak.invalid';
	return `<${message.id}@${domain}>`;
}

async function deliver(
	db: Kysely<Database>,
	transport: MailTransport,
	message: EmailMessage,
	sender: Sender
): Promise<void> {
	const attachments = [];
	if (message.attachments.length) {
		// The PDF renderer (pdfkit, fontkit, the fonts) loads with the first message that carries
		// a PDF, not at start: ~12 MB a server that sends none never holds.
		const { renderAttachment } = await import('./attachments.ts');
		for (const attachment of message.attachments)
			attachments.push(await renderAttachment(db, attachment, message.locale));
	}
	await transport.send({
		...sender,
		to: message.to_address,
		subject: message.subject,
		text: message.text_body,
		html: message.html_body,
		messageId: messageIdFor(message, sender),
		attachments
	});
}

/** One round of the worker's work. Exported for tests, which drive the worker tick by tick. */
export async function runMailTick(
	db: Kysely<Database>,
	options: MailWorkerOptions
): Promise<TickResult> {
	const receipts = await issueDueReceipts(db, {
		limit: options.receiptsPerTick ?? 20,
		origin: options.origin
	});
	const result: TickResult = { receipts, sent: 0, retrying: 0, failed: 0, kept: 0 };
	const limit = options.messagesPerTick ?? 10;
	const transport = options.transport;
	if (!transport) {
		result.kept = await keepDueMessages(db, limit);
		return result;
	}

	const claimed = await claimDueMessages(db, { limit, claimMinutes: options.claimMinutes ?? 5 });
	if (claimed.length === 0) return result;
	let sender: Sender | Error;
	try {
		sender = await findSender(db, options.mailFrom);
	} catch (error) {
		sender = error as Error;
	}
	for (const message of claimed) {
		try {
			// A worker that died during the last allowed attempt left this one claimed.
			if (message.attempts > MAX_ATTEMPTS)
				throw new Error(`Gave up after ${MAX_ATTEMPTS} attempts`);
			if (sender instanceof Error) throw sender;
			await deliver(db, transport, message, sender);
			await markSent(db, message);
			result.sent += 1;
			log.info({ emailMessageId: message.id, kind: message.kind }, 'mail sent');
		} catch (error) {
			const outcome = await markFailed(db, message, error as DeliveryError);
			result[outcome] += 1;
			log.warn(
				{ emailMessageId: message.id, kind: message.kind, attempts: message.attempts, outcome },
				`mail not sent: ${describeDeliveryError(error as DeliveryError)}`
			);
		}
	}
	return result;
}

export interface MailWorker {
	/** Stops taking work, waits for the round in progress, closes the mail connection. */
	stop(): Promise<void>;
}

/**
 * Runs `runMailTick` every `intervalMs` (a pause between rounds, so rounds never overlap) until
 * stopped. A round that fails (the database is away, say) is logged and the next one tries again.
 */
export function startMailWorker(
	db: Kysely<Database>,
	options: MailWorkerOptions & { intervalMs?: number }
): MailWorker {
	const intervalMs = options.intervalMs ?? 5000;
	let timer: NodeJS.Timeout | undefined;
	let round: Promise<void> | undefined;
	let stopping: Promise<void> | undefined;

	const schedule = () => {
		timer = setTimeout(() => {
			round = runMailTick(db, options)
				.then(() => undefined)
				.catch((error: Error) => log.warn({ err: error }, 'mail worker round failed'))
				.finally(() => {
					round = undefined;
					if (!stopping) schedule();
				});
		}, intervalMs);
		// The worker alone never keeps the process running.
		timer.unref();
	};
	schedule();

	return {
		stop() {
			stopping ??= (async () => {
				clearTimeout(timer);
				await round;
				options.transport?.close();
			})();
			return stopping;
		}
	};
}

type MailSettings = Partial<Pick<Config, 'SMTP_URL' | 'MAIL_FROM' | 'ORIGIN'>>;

/** The worker's settings from the environment: SMTP_URL and MAIL_FROM. */
export function mailWorkerOptionsFromEnv(env: MailSettings = config()): MailWorkerOptions {
	const smtpUrl = env.SMTP_URL?.trim();
	return {
		transport: smtpUrl ? createSmtpTransport(smtpUrl) : null,
		mailFrom: env.MAIL_FROM?.trim() || undefined,
		origin: env.ORIGIN
	};
}

/** Whether this instance has a mail server to send through (the outbox page says so). */
export function hasMailServer(env: MailSettings = config()): boolean {
	return Boolean(env.SMTP_URL?.trim());
}
