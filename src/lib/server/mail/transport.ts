import nodemailer from 'nodemailer';
import type { RenderedAttachment } from './attachments.ts';

// The mail server Komak sends through: nodemailer's pooled SMTP transport, configured by one URL
// (SMTP_URL), e.g. smtp://user:password@smtp.example.org:587 (STARTTLS) or smtps://…:465.

export interface OutgoingMail {
	from: { name: string; address: string } | string;
	replyTo?: string;
	to: string;
	subject: string;
	text: string;
	html: string;
	/** A stable Message-ID (from the queue row's id): a resent copy is recognisably the same. */
	messageId: string;
	attachments: RenderedAttachment[];
}

export interface MailTransport {
	/** Resolves once the server accepted the message; rejects with nodemailer's error otherwise. */
	send(mail: OutgoingMail): Promise<void>;
	close(): void;
}

export function createSmtpTransport(smtpUrl: string): MailTransport {
	const transporter = nodemailer.createTransport({
		url: smtpUrl,
		pool: true,
		maxConnections: 2,
		// Well inside the worker's claim on a message (mail/worker.ts), so a slow server never
		// lets a second worker take the same message while the first is still sending it.
		connectionTimeout: 30_000,
		greetingTimeout: 30_000,
		socketTimeout: 60_000
	});
	return {
		async send(mail) {
			await transporter.sendMail({
				from: mail.from,
				replyTo: mail.replyTo,
				to: mail.to,
				subject: mail.subject,
				text: mail.text,
				html: mail.html,
				messageId: mail.messageId,
				// RFC 3834: an automatic message; out-of-office replies should not answer it.
				headers: { 'Auto-Submitted': 'auto-generated' },
				attachments: mail.attachments.map((file) => ({
					filename: file.filename,
					contentType: file.contentType,
					content: Buffer.from(file.content)
				}))
			});
		},
		close() {
			transporter.close();
		}
	};
}
