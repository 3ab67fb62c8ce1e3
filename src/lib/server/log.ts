import pino from 'pino';

/** Structured JSON logs on stdout; every request's lines carry its request id. */
export const log = pino({
	// Under Vitest, only errors: the tests assert behaviour, not log lines.
	level: process.env.LOG_LEVEL ?? (process.env.VITEST ? 'error' : 'info'),
	base: { service: 'komak' },
	redact: ['req.headers.cookie', 'req.headers.authorization']
});
