import { createCipheriv, createDecipheriv, hkdfSync, randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { log } from '../log.ts';

// AES-256-GCM for secrets the app must read back (the TOTP keys): a database dump alone does not
// give them away. The sealed form is `v1.<base64url(iv ‖ ciphertext ‖ tag)>`.
const VERSION = 'v1';
const IV_BYTES = 12;
const TAG_BYTES = 16;
export const SECRET_KEY_BYTES = 32;

export function sealWithKey(key: Uint8Array, plaintext: string, associatedData = ''): string {
	const iv = randomBytes(IV_BYTES);
	const cipher = createCipheriv('aes-256-gcm', key, iv);
	cipher.setAAD(Buffer.from(associatedData, 'utf8'));
	const ciphertext = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
	const sealed = Buffer.concat([iv, ciphertext, cipher.getAuthTag()]);
	return `${VERSION}.${sealed.toString('base64url')}`;
}

/** The plaintext, or an error when the key, the associated data or a single bit differs. */
export function openWithKey(key: Uint8Array, sealed: string, associatedData = ''): string {
	const [version, body] = sealed.split('.');
	if (version !== VERSION || !body) throw new Error('not a sealed secret');
	const bytes = Buffer.from(body, 'base64url');
	if (bytes.length < IV_BYTES + TAG_BYTES) throw new Error('not a sealed secret');
	const decipher = createDecipheriv('aes-256-gcm', key, bytes.subarray(0, IV_BYTES));
	decipher.setAAD(Buffer.from(associatedData, 'utf8'));
	decipher.setAuthTag(bytes.subarray(bytes.length - TAG_BYTES));
	const plaintext = Buffer.concat([
		decipher.update(bytes.subarray(IV_BYTES, bytes.length - TAG_BYTES)),
		decipher.final()
	]);
	return plaintext.toString('utf8');
}

/** Where the generated key lives without KOMAK_SECRET_KEY: beside the embedded database. */
export function secretKeyFile(env: Record<string, string | undefined> = process.env): string {
	const dataDir = env.PGLITE_DIR
		? path.dirname(path.resolve(env.PGLITE_DIR))
		: path.resolve('data');
	return path.join(dataDir, 'secret.key');
}

function decodeKey(base64: string, source: string): Uint8Array {
	const key = Buffer.from(base64.trim(), 'base64');
	if (key.length !== SECRET_KEY_BYTES) {
		throw new Error(`${source} must be the base64 of exactly 32 bytes (openssl rand -base64 32)`);
	}
	return key;
}

/**
 * The app's secret key: KOMAK_SECRET_KEY when set, else a key generated once into a file with
 * mode 0600. Every instance must use the same key, so several instances need the variable.
 */
export function loadSecretKey(env: Record<string, string | undefined> = process.env): Uint8Array {
	if (env.KOMAK_SECRET_KEY) return decodeKey(env.KOMAK_SECRET_KEY, 'KOMAK_SECRET_KEY');
	const file = secretKeyFile(env);
	const warning =
		'KOMAK_SECRET_KEY is not set: using a key file; every instance of a multi-instance deployment must set the same KOMAK_SECRET_KEY';
	try {
		const key = decodeKey(readFileSync(file, 'utf8'), file);
		if (env.DATABASE_URL) log.warn({ file }, warning);
		return key;
	} catch (error) {
		if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
	}
	mkdirSync(path.dirname(file), { recursive: true });
	try {
		// 'wx' fails if another process wrote the file first; then its key is the one to use.
		writeFileSync(file, `${randomBytes(SECRET_KEY_BYTES).toString('base64')}\n`, {
			mode: 0o600,
			flag: 'wx'
		});
		log.warn({ file }, `generated a new secret key file. ${warning}`);
	} catch (error) {
		if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
	}
	return decodeKey(readFileSync(file, 'utf8'), file);
}

let appKey: Uint8Array | undefined;

/** Seals with the app's key (loaded on first use). */
export function sealSecret(plaintext: string, associatedData = ''): string {
	appKey ??= loadSecretKey();
	return sealWithKey(appKey, plaintext, associatedData);
}

export function openSecret(sealed: string, associatedData = ''): string {
	appKey ??= loadSecretKey();
	return openWithKey(appKey, sealed, associatedData);
}

/** A key for one purpose (`purpose` names it), derived from the app's key: no two uses share one. */
export function deriveAppKey(purpose: string): Uint8Array {
	appKey ??= loadSecretKey();
	return new Uint8Array(hkdfSync('sha256', appKey, new Uint8Array(0), purpose, SECRET_KEY_BYTES));
}
