import { readFileSync } from 'node:fs';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { config, CONFIG_VARIABLES, ConfigError, parseConfig, resetConfig } from './config.ts';

describe('the settings from the environment', () => {
	it('have the documented defaults when nothing is set', () => {
		expect(parseConfig({})).toEqual({
			DATABASE_STATEMENT_TIMEOUT_MS: 30_000,
			KOMAK_MIGRATIONS_DIR: 'migrations',
			PORT: 3000,
			HOST: '0.0.0.0',
			ORIGIN: 'http://localhost:3000',
			BODY_SIZE_LIMIT: '4M',
			SHUTDOWN_TIMEOUT: 30,
			PAGE_CACHE_SECONDS: 2,
			LOG_LEVEL: 'info',
			VIPPS_CHARGES_PER_MINUTE: 450
		});
	});

	it('leave the optional ones unset, Vipps included', () => {
		const settings = parseConfig({});
		for (const name of [
			'DATABASE_URL',
			'PGLITE_DIR',
			'KOMAK_SECRET_KEY',
			'KOMAK_OLD_SECRET_KEYS',
			'STRIPE_SECRET_KEY',
			'STRIPE_WEBHOOK_SECRET',
			'STRIPE_API_URL',
			'SMTP_URL',
			'MAIL_FROM',
			'VIPPS_CLIENT_ID',
			'VIPPS_CLIENT_SECRET',
			'VIPPS_SUBSCRIPTION_KEY',
			'VIPPS_MERCHANT_SERIAL_NUMBER',
			'VIPPS_API_URL'
		] as const) {
			expect(settings[name], name).toBeUndefined();
		}
	});

	it('take what is set, as numbers where numbers are meant', () => {
		// Each variable: the text in the environment, and the setting it becomes.
		const given = [
			[
				'DATABASE_URL',
				'postgres://komak@db.example.org:5432/komak',
				'postgres://komak@db.example.org:5432/komak'
			],
			['DATABASE_STATEMENT_TIMEOUT_MS', '0', 0],
			['PORT', '4311', 4311],
			['ORIGIN', 'https://give.example.org', 'https://give.example.org'],
			['SHUTDOWN_TIMEOUT', '2.5', 2.5],
			['PAGE_CACHE_SECONDS', '0', 0],
			['LOG_LEVEL', 'warn', 'warn'],
			['STRIPE_SECRET_KEY', 'sk_test_abc', 'sk_test_abc'],
			['STRIPE_API_URL', 'http://127.0.0.1:12111', 'http://127.0.0.1:12111'],
			[
				'SMTP_URL',
				'smtps://user:pass@smtp.example.org:465',
				'smtps://user:pass@smtp.example.org:465'
			],
			['VIPPS_CLIENT_ID', 'client', 'client'],
			['VIPPS_API_URL', 'https://apitest.vipps.no', 'https://apitest.vipps.no']
		] as const;
		const settings = parseConfig(Object.fromEntries(given.map(([name, text]) => [name, text])));
		expect(settings).toMatchObject(
			Object.fromEntries(given.map(([name, , value]) => [name, value]))
		);
	});

	it('default ORIGIN to localhost on PORT, and the log to errors under Vitest', () => {
		expect(parseConfig({ PORT: '8080' }).ORIGIN).toBe('http://localhost:8080');
		expect(parseConfig({ VITEST: 'true' }).LOG_LEVEL).toBe('error');
		expect(parseConfig({ VITEST: 'true', LOG_LEVEL: 'debug' }).LOG_LEVEL).toBe('debug');
	});

	it('count an empty variable as unset and drop spaces around a value', () => {
		const settings = parseConfig({
			DATABASE_URL: '',
			KOMAK_SECRET_KEY: '',
			PORT: ' 3100 ',
			DATABASE_STATEMENT_TIMEOUT_MS: '',
			MAIL_FROM: '  "Komak" <noreply@example.org> '
		});
		expect(settings.DATABASE_URL).toBeUndefined();
		expect(settings.KOMAK_SECRET_KEY).toBeUndefined();
		expect(settings.PORT).toBe(3100);
		expect(settings.DATABASE_STATEMENT_TIMEOUT_MS).toBe(30_000);
		expect(settings.MAIL_FROM).toBe('"Komak" <noreply@example.org>');
	});
});

describe('a bad value', () => {
	const refusal = (env: Record<string, string>) => {
		try {
			parseConfig(env);
		} catch (error) {
			expect(error).toBeInstanceOf(ConfigError);
			return (error as ConfigError).message;
		}
		throw new Error(`${JSON.stringify(env)} was accepted`);
	};

	it('is refused with a message that names the variable and the value', () => {
		expect(refusal({ PORT: 'abc' })).toBe(
			'PORT must be a port number from 1 to 65535, e.g. 3000; it is "abc"'
		);
		expect(refusal({ PORT: '70000' })).toMatch(/^PORT must be/);
		expect(refusal({ DATABASE_STATEMENT_TIMEOUT_MS: '-1' })).toBe(
			'DATABASE_STATEMENT_TIMEOUT_MS must be a whole number of milliseconds (0: no limit), e.g. 30000; it is "-1"'
		);
		expect(refusal({ DATABASE_STATEMENT_TIMEOUT_MS: '2.5' })).toMatch(
			/^DATABASE_STATEMENT_TIMEOUT_MS must be a whole number/
		);
		expect(refusal({ ORIGIN: 'give.example.org' })).toBe(
			'ORIGIN must be an http:// or https:// URL, e.g. https://give.example.org; it is "give.example.org"'
		);
		expect(refusal({ ORIGIN: 'ftp://give.example.org' })).toMatch(/^ORIGIN must be/);
		expect(refusal({ STRIPE_API_URL: '127.0.0.1:12111' })).toMatch(/^STRIPE_API_URL must be/);
		expect(refusal({ VIPPS_API_URL: 'vipps' })).toMatch(/^VIPPS_API_URL must be/);
		expect(refusal({ LOG_LEVEL: 'loud' })).toMatch(/^LOG_LEVEL must be one of .*info/);
		expect(refusal({ SHUTDOWN_TIMEOUT: 'soon' })).toMatch(/^SHUTDOWN_TIMEOUT must be/);
		expect(refusal({ PAGE_CACHE_SECONDS: '-2' })).toMatch(/^PAGE_CACHE_SECONDS must be/);
		expect(refusal({ BODY_SIZE_LIMIT: 'big' })).toMatch(/^BODY_SIZE_LIMIT must be/);
	});

	it('that may hold a password is named but not repeated', () => {
		const message = refusal({ DATABASE_URL: 'komak:hunter2@db.example.org/komak' });
		expect(message).toMatch(/^DATABASE_URL must be a PostgreSQL connection URL/);
		expect(message).not.toContain('hunter2');
		expect(refusal({ SMTP_URL: 'hunter2' })).not.toContain('hunter2');
	});

	it('is listed with every other, one a line', () => {
		const message = refusal({ PORT: 'abc', ORIGIN: 'nowhere', LOG_LEVEL: 'loud' });
		expect(message.split('\n')).toEqual([
			'3 settings are wrong:',
			expect.stringMatching(/^ {2}PORT must be/),
			expect.stringMatching(/^ {2}ORIGIN must be/),
			expect.stringMatching(/^ {2}LOG_LEVEL must be/)
		]);
	});
});

describe('config()', () => {
	beforeEach(resetConfig);
	afterEach(() => {
		vi.unstubAllEnvs();
		resetConfig();
	});

	it('reads the environment once, until reset', () => {
		vi.stubEnv('PORT', '3101');
		expect(config().PORT).toBe(3101);
		vi.stubEnv('PORT', '3102');
		expect(config().PORT).toBe(3101);
		resetConfig();
		expect(config().PORT).toBe(3102);
	});

	it('throws the ConfigError until the value is put right', () => {
		vi.stubEnv('PORT', 'abc');
		expect(() => config()).toThrow(ConfigError);
		vi.stubEnv('PORT', '3103');
		expect(config().PORT).toBe(3103);
	});
});

describe("the README's Configuration table", () => {
	it('lists every variable, in order, and no other', () => {
		const readme = readFileSync(new URL('../../../README.md', import.meta.url), 'utf8');
		const section = readme.slice(
			readme.indexOf('## Configuration'),
			readme.indexOf('\n## ', readme.indexOf('## Configuration') + 1)
		);
		const listed = [...section.matchAll(/^\| `([A-Z_]+)` +\|/gm)].map((match) => match[1]);
		// VITEST is Vitest's own, mentioned in the LOG_LEVEL line.
		expect(listed).toEqual(CONFIG_VARIABLES.filter((name) => name !== 'VITEST'));
	});
});
