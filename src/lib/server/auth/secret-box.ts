import { createCipheriv, createDecipheriv, hkdfSync, randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { config, type Config } from '../config.ts';
import { log } from '../log.ts';

// AES-256-GCM for secrets the app must read back (staff TOTP keys, supporters' tax numbers): a
// database dump alone does not give them away. The sealed form is
// `v1.<base64url(iv ‖ ciphertext ‖ tag)>`. New seals use the current key; keys from before a
// rotation only open, until `npm run secrets:rotate` has sealed everything again.
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

/** The settings the keys come from (by default the environment's, from config()). */
export type KeySettings = Partial<
	Pick<Config, 'KOMAK_SECRET_KEY' | 'KOMAK_OLD_SECRET_KEYS' | 'DATABASE_URL' | 'PGLITE_DIR'>
>;

/** Where the generated key lives without KOMAK_SECRET_KEY: beside the embedded database. */
export function secretKeyFile(env: KeySettings = config()): string {
	const dataDir = env.PGLITE_DIR
		? path.dirname(path.resolve(env.PGLITE_DIR))
		: path.resolve('data');
	return path.join(dataDir, 'secret.key');
}

export const MAKE_KEY_COMMAND = 'openssl rand -base64 32';
export const MAKE_KEY_COMMAND_NODE = `node -e "console.log(require('crypto').randomBytes(32).toString('base64'))"`;

/** A key that is missing or malformed; its message says what to do, for the person starting Komak. */
export class SecretKeyError extends Error {
	override name = 'SecretKeyError';
}

export interface SecretKeys {
	/** Seals everything new. */
	current: Uint8Array;
	/** Keys from before a rotation (KOMAK_OLD_SECRET_KEYS), used only to open. */
	old: Uint8Array[];
}

function decodeKey(base64: string, source: string): Uint8Array {
	const text = base64.trim();
	// Node's base64 decoder skips what is not base64, so the text itself is checked.
	const key = Buffer.from(text, 'base64');
	if (!/^[A-Za-z0-9+/]{43}=$/.test(text) || key.length !== SECRET_KEY_BYTES) {
		throw new SecretKeyError(
			`${source} must be the base64 of exactly 32 random bytes (44 characters ending in "="). Make one with: ${MAKE_KEY_COMMAND}   or: ${MAKE_KEY_COMMAND_NODE}`
		);
	}
	return key;
}

function missingKeyMessage(env: KeySettings): string {
	const file = secretKeyFile(env);
	const existingFile = existsSync(file)
		? ` A key file exists at ${file}: if this server sealed data with it, set KOMAK_SECRET_KEY to its contents instead.`
		: '';
	return (
		'KOMAK_SECRET_KEY is not set. With DATABASE_URL (PostgreSQL), Komak needs its secret key in the environment: ' +
		"it encrypts staff two-factor secrets and supporters' tax numbers, and a key generated inside a container is lost " +
		'when the container is replaced, which locks those out for good. ' +
		`Make a key with: ${MAKE_KEY_COMMAND}   or: ${MAKE_KEY_COMMAND_NODE}   ` +
		'then keep it with your other secrets and set the same KOMAK_SECRET_KEY on every instance.' +
		existingFile
	);
}

function oldKeysFromEnv(env: KeySettings): Uint8Array[] {
	return (env.KOMAK_OLD_SECRET_KEYS ?? '')
		.split(',')
		.map((text) => text.trim())
		.filter(Boolean)
		.map((text, i) => decodeKey(text, `KOMAK_OLD_SECRET_KEYS (key ${i + 1})`));
}

/** The key file's key, generated (mode 0600) on first use: the embedded database's way. */
function keyFromFile(env: KeySettings): Uint8Array {
	const file = secretKeyFile(env);
	try {
		return decodeKey(readFileSync(file, 'utf8'), file);
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
		log.info(
			{ file },
			'generated a secret key file for the embedded database; back it up with ./data'
		);
	} catch (error) {
		if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
	}
	return decodeKey(readFileSync(file, 'utf8'), file);
}

/**
 * The app's keys: KOMAK_SECRET_KEY (required with DATABASE_URL) and any KOMAK_OLD_SECRET_KEYS;
 * on the embedded database without KOMAK_SECRET_KEY, a key file beside it. Throws a
 * SecretKeyError, whose message says how to make a key, when one is missing or malformed.
 */
export function loadSecretKeys(env: KeySettings = config()): SecretKeys {
	const old = oldKeysFromEnv(env);
	if (env.KOMAK_SECRET_KEY)
		return { current: decodeKey(env.KOMAK_SECRET_KEY, 'KOMAK_SECRET_KEY'), old };
	if (env.DATABASE_URL) throw new SecretKeyError(missingKeyMessage(env));
	return { current: keyFromFile(env), old };
}

/** The plaintext, and whether an old key (not the current one) opened it; throws when none does. */
function openWithAnyKey(keys: SecretKeys, sealed: string, associatedData: string) {
	let failure: unknown;
	for (const [i, key] of [keys.current, ...keys.old].entries()) {
		try {
			return { plaintext: openWithKey(key, sealed, associatedData), isOldKey: i > 0 };
		} catch (error) {
			failure ??= error;
		}
	}
	throw failure;
}

/** The plaintext, opened with whichever key sealed it; throws when none does. */
export function openWithKeys(keys: SecretKeys, sealed: string, associatedData = ''): string {
	return openWithAnyKey(keys, sealed, associatedData).plaintext;
}

export interface ResealCount {
	/** Sealed again with the current key: an old key had sealed them. */
	resealed: number;
	/** Sealed with the current key already. */
	unchanged: number;
	/** The ids of values no key opens, left as they are. */
	unreadable: string[];
}

/** Seals each value an old key sealed again, written back through `write` (secret rotation). */
export async function resealEach(
	values: { id: string; sealed: string; associatedData: string }[],
	keys: SecretKeys,
	write: (id: string, sealed: string) => Promise<unknown>
): Promise<ResealCount> {
	const count: ResealCount = { resealed: 0, unchanged: 0, unreadable: [] };
	for (const value of values) {
		let opened;
		try {
			opened = openWithAnyKey(keys, value.sealed, value.associatedData);
		} catch {
			count.unreadable.push(value.id);
			continue;
		}
		if (!opened.isOldKey) {
			count.unchanged++;
			continue;
		}
		await write(value.id, sealWithKey(keys.current, opened.plaintext, value.associatedData));
		count.resealed++;
	}
	return count;
}

let appKeys: SecretKeys | undefined;

/** The app's keys, loaded once (at start: hooks.server.ts). */
export function appSecretKeys(): SecretKeys {
	appKeys ??= loadSecretKeys();
	return appKeys;
}

/** Seals with the app's current key. */
export function sealSecret(plaintext: string, associatedData = ''): string {
	return sealWithKey(appSecretKeys().current, plaintext, associatedData);
}

/** Opens with the app's current key or, after a rotation, an old one. */
export function openSecret(sealed: string, associatedData = ''): string {
	return openWithKeys(appSecretKeys(), sealed, associatedData);
}

/**
 * A key for one purpose (`purpose` names it), derived from the app's current key: no two uses
 * share one. What it signed stops verifying after a key rotation (a known-device cookie, say).
 */
export function deriveAppKey(purpose: string): Uint8Array {
	return new Uint8Array(
		hkdfSync('sha256', appSecretKeys().current, new Uint8Array(0), purpose, SECRET_KEY_BYTES)
	);
}
