import pino, { type Logger } from 'pino';
import { config } from './config.ts';

let logger: Logger | undefined;

// Made at the first line logged, not on import: almost every module imports the log, and its
// level (LOG_LEVEL) is read from the environment as a script or test has set it by then.
function instance(): Logger {
	logger ??= pino({
		level: config().LOG_LEVEL,
		base: { service: 'komak' },
		redact: ['req.headers.cookie', 'req.headers.authorization']
	});
	return logger;
}

/** Structured JSON logs on stdout; every request's lines carry its request id. */
export const log: Logger = new Proxy({} as Logger, {
	get(_, property) {
		const target = instance();
		const value = Reflect.get(target, property, target);
		return typeof value === 'function' ? value.bind(target) : value;
	},
	set(_, property, value) {
		return Reflect.set(instance(), property, value);
	},
	has(_, property) {
		return Reflect.has(instance(), property);
	}
});
