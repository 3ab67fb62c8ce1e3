import { z } from 'zod';

// Every setting Komak takes from the environment, read and checked in one place: the only file
// under src/ that reads process.env. `config()` parses the environment on its first call and keeps
// the result, so a script or test that sets variables before it uses the app's modules is heard.
// A bad value stops the start with a message that names the variable (scripts/start.ts prints it);
// the README's Configuration table lists the same variables.

/** PostgreSQL's statement timeout when DATABASE_STATEMENT_TIMEOUT_MS is unset. */
export const DEFAULT_STATEMENT_TIMEOUT_MS = 30_000;

// Values that are never repeated in an error message: they may hold a password or a key.
const SECRET_VARIABLES = new Set([
	'DATABASE_URL',
	'SMTP_URL',
	'STRIPE_SECRET_KEY',
	'STRIPE_WEBHOOK_SECRET',
	'KOMAK_SECRET_KEY',
	'KOMAK_OLD_SECRET_KEYS',
	'VIPPS_CLIENT_SECRET',
	'VIPPS_SUBSCRIPTION_KEY'
]);

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

// An empty variable (`FOO=` in a compose file) counts as unset; spaces around a value are dropped.
const unsetIfBlank = (value: unknown) =>
	typeof value === 'string' ? value.trim() || undefined : value;

const optional = <T extends z.ZodType>(schema: T) => z.preprocess(unsetIfBlank, schema.optional());
const withDefault = <T extends z.ZodType>(schema: T, fallback: z.output<T>) =>
	z.preprocess(unsetIfBlank, schema.default(fallback as never)) as z.ZodType<z.output<T>>;

const canParseUrl = (text: string, protocols?: string[]) => {
	if (!URL.canParse(text)) return false;
	return !protocols || protocols.includes(new URL(text).protocol);
};

const url = (what: string, protocols?: string[]) =>
	z.string().refine((text) => canParseUrl(text, protocols), { error: `must be ${what}` });

const wholeNumber = (min: number, max: number, what: string) =>
	z
		.string()
		.refine((text) => /^\d+$/.test(text) && Number(text) >= min && Number(text) <= max, {
			error: `must be ${what}`
		})
		.transform(Number);

const seconds = (example: string) =>
	z
		.string()
		.refine((text) => /^\d+(\.\d+)?$/.test(text), {
			error: `must be a number of seconds (0 or more), e.g. ${example}`
		})
		.transform(Number);

// As adapter-node reads it: a number of bytes, or with K, M or G after it; Infinity for no limit.
function bodySizeInBytes(text: string): number {
	const multiplier = { K: 1024, M: 1024 ** 2, G: 1024 ** 3 }[text.at(-1)!.toUpperCase()];
	return Number(multiplier ? text.slice(0, -1) : text) * (multiplier ?? 1);
}

// Each variable, in the order of the README's table.
const variables = {
	// The database
	DATABASE_URL: optional(
		url('a PostgreSQL connection URL, e.g. postgres://user:password@host:5432/komak', [
			'postgres:',
			'postgresql:',
			'socket:'
		])
	),
	PGLITE_DIR: optional(z.string()),
	DATABASE_STATEMENT_TIMEOUT_MS: withDefault(
		wholeNumber(
			0,
			Number.MAX_SAFE_INTEGER,
			`a whole number of milliseconds (0: no limit), e.g. ${DEFAULT_STATEMENT_TIMEOUT_MS}`
		),
		DEFAULT_STATEMENT_TIMEOUT_MS
	),
	KOMAK_MIGRATIONS_DIR: withDefault(z.string(), 'migrations'),

	// The server (scripts/start.ts)
	PORT: withDefault(wholeNumber(1, 65_535, 'a port number from 1 to 65535, e.g. 3000'), 3000),
	HOST: withDefault(z.string(), '0.0.0.0'),
	ORIGIN: optional(
		url('an http:// or https:// URL, e.g. https://give.example.org', ['http:', 'https:'])
	),
	BODY_SIZE_LIMIT: withDefault(
		z.string().refine((text) => bodySizeInBytes(text) >= 0, {
			error: 'must be a number of bytes, with K, M or G after it for more, e.g. 4M'
		}),
		'4M'
	),
	SHUTDOWN_TIMEOUT: withDefault(seconds('30'), 30),
	PAGE_CACHE_SECONDS: withDefault(seconds('2'), 2),
	LOG_LEVEL: optional(z.enum(LOG_LEVELS, { error: `must be one of ${LOG_LEVELS.join(', ')}` })),
	// Set by Vitest: the logs then default to errors only.
	VITEST: optional(z.string()),

	// Keys
	KOMAK_SECRET_KEY: optional(z.string()),
	KOMAK_OLD_SECRET_KEYS: optional(z.string()),

	// Card giving with Stripe
	STRIPE_SECRET_KEY: optional(z.string()),
	STRIPE_WEBHOOK_SECRET: optional(z.string()),
	STRIPE_API_URL: optional(
		url('an http:// or https:// URL, e.g. http://127.0.0.1:12111', ['http:', 'https:'])
	),

	// Vipps MobilePay
	VIPPS_CLIENT_ID: optional(z.string()),
	VIPPS_CLIENT_SECRET: optional(z.string()),
	VIPPS_SUBSCRIPTION_KEY: optional(z.string()),
	VIPPS_MERCHANT_SERIAL_NUMBER: optional(z.string()),
	VIPPS_API_URL: optional(
		url('an http:// or https:// URL, e.g. https://api.vipps.no', ['http:', 'https:'])
	),
	// Vipps allows 500 Recurring API requests a minute; the scheduler keeps under it.
	VIPPS_CHARGES_PER_MINUTE: withDefault(
		wholeNumber(1, 1_000_000, 'a whole number of charges a minute, e.g. 450'),
		450
	),

	// Mail
	SMTP_URL: optional(url('a URL, e.g. smtp://user:pass@smtp.example.org:587 or smtps://…:465')),
	MAIL_FROM: optional(z.string())
};

/** The names of the variables Komak reads. */
export const CONFIG_VARIABLES = Object.keys(variables) as (keyof typeof variables)[];

const schema = z.object(variables).transform(({ VITEST, ...settings }) => ({
	...settings,
	ORIGIN: settings.ORIGIN ?? `http://localhost:${settings.PORT}`,
	// Under Vitest, only errors: the tests assert behaviour, not log lines.
	LOG_LEVEL: settings.LOG_LEVEL ?? (VITEST ? 'error' : 'info')
}));

/** The app's settings, by the name of their environment variable, checked and with defaults. */
export type Config = z.output<typeof schema>;

/** A variable with a value Komak cannot use; the message names each such variable. */
export class ConfigError extends Error {
	override name = 'ConfigError';
}

function describeIssue(issue: z.core.$ZodIssue, env: Record<string, string | undefined>): string {
	const name = String(issue.path[0] ?? 'the environment');
	const value = env[name];
	const shown = value === undefined || SECRET_VARIABLES.has(name) ? '' : `; it is "${value}"`;
	return `${name} ${issue.message}${shown}`;
}

/** The settings in `env`; throws a ConfigError naming every variable with a bad value. */
export function parseConfig(env: Record<string, string | undefined>): Config {
	const result = schema.safeParse(env);
	if (result.success) return result.data;
	const problems = result.error.issues.map((issue) => describeIssue(issue, env));
	throw new ConfigError(
		problems.length === 1
			? problems[0]
			: `${problems.length} settings are wrong:\n  ${problems.join('\n  ')}`
	);
}

let cached: Config | undefined;

/** The settings from the environment, read on the first call and then kept. */
export function config(): Config {
	cached ??= parseConfig(process.env);
	return cached;
}

/** Forgets the settings read, so the next config() reads the environment again (tests). */
export function resetConfig(): void {
	cached = undefined;
}
