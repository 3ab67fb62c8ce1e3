import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import {
	loadSecretKeys,
	openWithKey,
	openWithKeys,
	resealEach,
	sealWithKey,
	secretKeyFile,
	SecretKeyError
} from './secret-box.ts';

const key = randomBytes(32);

describe('the secret box', () => {
	it('opens what it sealed, and seals the same text differently each time', () => {
		const sealed = sealWithKey(key, 'JBSWY3DPEHPK3PXP', 'staff_user:1:totp');
		expect(sealed).toMatch(/^v1\.[\w-]+$/);
		expect(sealed).not.toContain('JBSWY3DPEHPK3PXP');
		expect(sealWithKey(key, 'JBSWY3DPEHPK3PXP', 'staff_user:1:totp')).not.toBe(sealed);
		expect(openWithKey(key, sealed, 'staff_user:1:totp')).toBe('JBSWY3DPEHPK3PXP');
	});

	it('refuses a changed byte, another key, or the secret moved to another account', () => {
		const sealed = sealWithKey(key, 'JBSWY3DPEHPK3PXP', 'staff_user:1:totp');
		const bytes = Buffer.from(sealed.slice(3), 'base64url');
		bytes[20] ^= 1;
		const tampered = `v1.${bytes.toString('base64url')}`;
		expect(() => openWithKey(key, tampered, 'staff_user:1:totp')).toThrow();
		expect(() => openWithKey(randomBytes(32), sealed, 'staff_user:1:totp')).toThrow();
		expect(() => openWithKey(key, sealed, 'staff_user:2:totp')).toThrow();
		expect(() => openWithKey(key, 'v1.short', '')).toThrow();
	});
});

describe('the secret key', () => {
	let dir = '';
	afterEach(async () => {
		if (dir) await rm(dir, { recursive: true, force: true });
	});

	it('comes from KOMAK_SECRET_KEY, which must be the base64 of 32 bytes', () => {
		const base64 = randomBytes(32).toString('base64');
		const keys = loadSecretKeys({ KOMAK_SECRET_KEY: base64 });
		expect(Buffer.from(keys.current).toString('base64')).toBe(base64);
		expect(keys.old).toEqual([]);
		for (const malformed of [
			randomBytes(16).toString('base64'),
			randomBytes(32).toString('hex'),
			`${base64.slice(0, 20)}!${base64.slice(21)}`
		]) {
			expect(() => loadSecretKeys({ KOMAK_SECRET_KEY: malformed })).toThrow(SecretKeyError);
			expect(() => loadSecretKeys({ KOMAK_SECRET_KEY: malformed })).toThrow(
				'Make one with: openssl rand -base64 32'
			);
		}
	});

	it('must be set with PostgreSQL, and the refusal says how to make one', () => {
		const env = { DATABASE_URL: 'postgres://komak@db.example.org/komak' };
		expect(() => loadSecretKeys(env)).toThrow(SecretKeyError);
		expect(() => loadSecretKeys(env)).toThrow(
			/KOMAK_SECRET_KEY is not set.*openssl rand -base64 32/
		);
		expect(() => loadSecretKeys(env)).toThrow("randomBytes(32).toString('base64')");
	});

	it('opens what an old key sealed once KOMAK_OLD_SECRET_KEYS names it, and seals with the new', () => {
		const oldKey = randomBytes(32);
		const newKey = randomBytes(32);
		const sealed = sealWithKey(oldKey, '12345678901', 'tax-identity:7');
		const keys = loadSecretKeys({
			KOMAK_SECRET_KEY: newKey.toString('base64'),
			KOMAK_OLD_SECRET_KEYS: ` ${randomBytes(32).toString('base64')}, ${oldKey.toString('base64')} `
		});
		expect(keys.old).toHaveLength(2);
		expect(openWithKeys(keys, sealed, 'tax-identity:7')).toBe('12345678901');
		expect(() => openWithKeys({ current: newKey, old: [] }, sealed, 'tax-identity:7')).toThrow();
		expect(() =>
			loadSecretKeys({ KOMAK_SECRET_KEY: newKey.toString('base64'), KOMAK_OLD_SECRET_KEYS: 'nope' })
		).toThrow('KOMAK_OLD_SECRET_KEYS (key 1)');
	});

	it('reseals only what an old key sealed, and names what no key opens', async () => {
		const oldKey = randomBytes(32);
		const keys = { current: randomBytes(32), old: [oldKey] };
		const written = new Map<string, string>();
		const count = await resealEach(
			[
				{ id: 'a', sealed: sealWithKey(oldKey, 'one', 'a'), associatedData: 'a' },
				{ id: 'b', sealed: sealWithKey(keys.current, 'two', 'b'), associatedData: 'b' },
				{ id: 'c', sealed: sealWithKey(randomBytes(32), 'three', 'c'), associatedData: 'c' }
			],
			keys,
			async (id, sealed) => written.set(id, sealed)
		);
		expect(count).toEqual({ resealed: 1, unchanged: 1, unreadable: ['c'] });
		expect(openWithKey(keys.current, written.get('a')!, 'a')).toBe('one');
	});

	it('is otherwise generated once beside the embedded database, readable by its owner only', async () => {
		dir = await mkdtemp(path.join(tmpdir(), 'komak-key-'));
		const env = { PGLITE_DIR: path.join(dir, 'data', 'pglite') };
		const file = secretKeyFile(env);
		expect(file).toBe(path.join(dir, 'data', 'secret.key'));
		const first = loadSecretKeys(env).current;
		expect(first).toHaveLength(32);
		expect((await stat(file)).mode & 0o777).toBe(0o600);
		expect(Buffer.from(loadSecretKeys(env).current)).toEqual(Buffer.from(first));
		expect((await readFile(file, 'utf8')).trim()).toBe(Buffer.from(first).toString('base64'));
	});
});
