// A real SMTP server on loopback for tests (the smtp-server package), keeping every message it
// accepts, parsed with mailparser. Point SMTP_URL (or createSmtpTransport) at `url`.
import type { AddressInfo } from 'node:net';
import { simpleParser, type ParsedMail } from 'mailparser';
import { SMTPServer } from 'smtp-server';

export interface ReceivedMail {
	/** The SMTP envelope: who the client said it sends for and to. */
	from: string;
	to: string[];
	/** The user name the client signed in with, if any. */
	user: string | undefined;
	parsed: ParsedMail;
	/** Shortcuts into `parsed`. */
	subject: string;
	text: string;
	html: string;
	messageId: string;
}

export interface TestSmtpServer {
	/** smtp://komak:secret@127.0.0.1:<port> (plain SMTP, any user name and password accepted). */
	url: string;
	/** Accepted messages, in the order they arrived. */
	messages: ReceivedMail[];
	/** How many deliveries were refused so far. */
	refused: number;
	/** Refuse the next `count` deliveries with a temporary 451 (the client should try again). */
	failNext(count: number): void;
	/** Resolves once at least `count` messages arrived; rejects after `timeoutMs`. */
	waitForMessages(count: number, timeoutMs?: number): Promise<ReceivedMail[]>;
	close(): Promise<void>;
}

export async function startSmtpServer({
	failFirst = 0
}: { failFirst?: number } = {}): Promise<TestSmtpServer> {
	const messages: ReceivedMail[] = [];
	let toRefuse = failFirst;
	const state = { refused: 0 };
	const waiters: Array<() => void> = [];

	const server = new SMTPServer({
		logger: false,
		// Plain SMTP on loopback: no certificate, and a sign-in is allowed without TLS.
		disabledCommands: ['STARTTLS'],
		allowInsecureAuth: true,
		authOptional: true,
		onAuth(auth, _session, callback) {
			callback(null, { user: auth.username });
		},
		onData(stream, session, callback) {
			if (toRefuse > 0) {
				toRefuse -= 1;
				state.refused += 1;
				stream.resume();
				stream.on('end', () => {
					const error = new Error('Try again later') as Error & { responseCode: number };
					error.responseCode = 451;
					callback(error);
				});
				return;
			}
			simpleParser(stream)
				.then((parsed) => {
					messages.push({
						from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
						to: session.envelope.rcptTo.map((r) => r.address),
						user: typeof session.user === 'string' ? session.user : undefined,
						parsed,
						subject: parsed.subject ?? '',
						text: parsed.text ?? '',
						html: typeof parsed.html === 'string' ? parsed.html : '',
						messageId: parsed.messageId ?? ''
					});
					for (const wake of waiters.splice(0)) wake();
					callback();
				})
				.catch((error: Error) => callback(error));
		}
	});

	await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
	const { port } = server.server.address() as AddressInfo;

	return {
		url: `smtp://komak:secret@127.0.0.1:${port}`,
		messages,
		get refused() {
			return state.refused;
		},
		failNext(count) {
			toRefuse = count;
		},
		async waitForMessages(count, timeoutMs = 5000) {
			const deadline = Date.now() + timeoutMs;
			while (messages.length < count) {
				const left = deadline - Date.now();
				if (left <= 0)
					throw new Error(`expected ${count} messages, the SMTP server has ${messages.length}`);
				await new Promise<void>((resolve) => {
					const timer = setTimeout(resolve, left);
					waiters.push(() => {
						clearTimeout(timer);
						resolve();
					});
				});
			}
			return messages;
		},
		close() {
			return new Promise<void>((resolve) => server.close(() => resolve()));
		}
	};
}
