import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { loadSecretKey, openWithKey, sealWithKey, secretKeyFile } from './secret-box.ts';

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

	it('comes from KOMAK_SECRET_KEY, which must be 32 bytes', () => {
		const base64 = randomBytes(32).toString('base64');
		expect(Buffer.from(loadSecretKey({ KOMAK_SECRET_KEY: base64 })).toString('base64')).toBe(
			base64
		);
		expect(() => loadSecretKey({ KOMAK_SECRET_KEY: randomBytes(16).toString('base64') })).toThrow(
			/32 bytes/
		);
	});

	it('is otherwise generated once beside the embedded database, readable by its owner only', async () => {
		dir = await mkdtemp(path.join(tmpdir(), 'komak-key-'));
		const env = { PGLITE_DIR: path.join(dir, 'data', 'pglite') };
		const file = secretKeyFile(env);
		expect(file).toBe(path.join(dir, 'data', 'secret.key'));
		const first = loadSecretKey(env);
		expect(first).toHaveLength(32);
		expect((await stat(file)).mode & 0o777).toBe(0o600);
		expect(Buffer.from(loadSecretKey(env))).toEqual(Buffer.from(first));
		expect((await readFile(file, 'utf8')).trim()).toBe(Buffer.from(first).toString('base64'));
	});
});
