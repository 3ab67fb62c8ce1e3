import pino from 'pino';

/** Structured JSON logs on stdout; every request's lines carry its request id. */
export const log = pino({
	level: process.env.LOG_LEVEL ?? (process.env.NODE_ENV === 'test' ? 'warn' : 'info'),
	base: { service: 'komak' },
	redact: ['req.headers.cookie', 'req.headers.authorization']
});
