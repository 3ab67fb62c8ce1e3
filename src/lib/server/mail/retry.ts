// When the mail worker tries a message again after a failed delivery, and when it gives up. Pure
// rules: no database, no mail server.

/** Waits after the 1st, 2nd, 3rd… failed attempt: 1 min, 5 min, 30 min, 2 h, 6 h, 12 h. */
const retryDelaysMinutes = [1, 5, 30, 120, 360, 720];

/** A message that failed this many times is given up (marked failed); about 21 hours in all. */
export const MAX_ATTEMPTS = retryDelaysMinutes.length + 1;

/** How long to wait before the next attempt, after `attempts` attempts have failed. */
export function retryDelayMinutes(attempts: number): number {
	const index = Math.min(Math.max(attempts, 1), retryDelaysMinutes.length) - 1;
	return retryDelaysMinutes[index];
}

export interface DeliveryError {
	message?: string;
	/** nodemailer's error code: ECONNECTION, ETIMEDOUT, EAUTH, EENVELOPE, EMESSAGE… */
	code?: string;
	/** The SMTP reply code, when the server answered. */
	responseCode?: number;
}

/**
 * Whether trying again cannot help: the server refused this recipient or this message for good
 * (a 5xx reply to the envelope or the message). A 4xx reply, a connection or sign-in problem is
 * worth another try: the server or its settings may be fixed in the meantime.
 */
export function isPermanentFailure(error: DeliveryError): boolean {
	const code = error.responseCode ?? 0;
	return code >= 500 && code < 600 && (error.code === 'EENVELOPE' || error.code === 'EMESSAGE');
}

/** What happens after a failed attempt: try again later, or give up. */
export function afterFailure(
	attempts: number,
	error: DeliveryError
): { giveUp: true } | { giveUp: false; retryInMinutes: number } {
	if (attempts >= MAX_ATTEMPTS || isPermanentFailure(error)) return { giveUp: true };
	return { giveUp: false, retryInMinutes: retryDelayMinutes(attempts) };
}

/** The error as staff read it in the outbox: one line, without a stack, not too long. */
export function describeDeliveryError(error: DeliveryError): string {
	const text = (error.message ?? String(error)).replace(/\s+/g, ' ').trim() || 'Unknown error';
	const code = error.code && !text.includes(error.code) ? `${error.code}: ` : '';
	const line = code + text;
	return line.length > 500 ? `${line.slice(0, 499)}…` : line;
}
