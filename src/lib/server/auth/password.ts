import { hash, verify } from '@node-rs/argon2';

// OWASP's argon2id baseline (19 MiB, 2 passes, 1 lane): about 30–60 ms on a small server.
const ARGON2_OPTIONS = { memoryCost: 19456, timeCost: 2, parallelism: 1, outputLen: 32 };

export const MINIMUM_PASSWORD_LENGTH = 12;
// Long enough for any passphrase; a cap keeps a huge body from costing the server much.
export const MAXIMUM_PASSWORD_LENGTH = 256;

export async function hashPassword(password: string): Promise<string> {
	// @node-rs/argon2 defaults to argon2id.
	return hash(password, ARGON2_OPTIONS);
}

export async function verifyPasswordHash(passwordHash: string, password: string): Promise<boolean> {
	try {
		return await verify(passwordHash, password);
	} catch {
		// A malformed hash never signs anyone in.
		return false;
	}
}

let dummyHash: Promise<string> | undefined;

/**
 * Spends the time a real check would for an email with no account, so the answer's timing does
 * not tell whether the account exists.
 */
export async function verifyAgainstNothing(password: string): Promise<false> {
	dummyHash ??= hashPassword('komak-no-such-account');
	await verifyPasswordHash(await dummyHash, password);
	return false;
}

// Passwords of 12 or more characters that top the published breach lists; shorter ones are
// already refused by length. Compared without case.
const COMMON_PASSWORDS = new Set([
	'123456789012',
	'1234567890123',
	'12345678901234',
	'123456789123',
	'123456123456',
	'123123123123',
	'098765432109',
	'987654321098',
	'111111111111',
	'000000000000',
	'qwertyuiop12',
	'qwertyuiop123',
	'qwertyuiopasdf',
	'qwerty123456',
	'qwerty12345678',
	'123456qwerty',
	'1q2w3e4r5t6y',
	'1q2w3e4r5t6y7u',
	'1qaz2wsx3edc',
	'zaq12wsxcde3',
	'1234qwerasdf',
	'asdfghjkl123',
	'abcdefghijkl',
	'abcd1234abcd',
	'abc123abc123',
	'password1234',
	'password12345',
	'password123456',
	'passwordpassword',
	'passw0rd1234',
	'p@ssw0rd1234',
	'p@ssword1234',
	'iloveyou1234',
	'welcome12345',
	'welcome123456',
	'letmein12345',
	'changeme1234',
	'administrator',
	'administrator1',
	'football1234',
	'baseball1234',
	'superman1234',
	'sunshine1234',
	'princess1234',
	'starwars1234',
	'trustno1trustno1',
	'passord12345',
	'passord123456',
	'sommer123456',
	'norge1234567',
	'dawatmedia123',
	'dawatmediacenter',
	'komak1234567'
]);

export type PasswordRuleKey =
	| 'auth_password_too_short'
	| 'auth_password_too_long'
	| 'auth_password_is_email'
	| 'auth_password_too_common';

/**
 * The password rule for staff accounts: long, not the email, not one of the passwords everyone
 * tries first. Returns the message key of the first rule broken, or null.
 */
export function checkPasswordRule(password: string, email = ''): PasswordRuleKey | null {
	if ([...password].length < MINIMUM_PASSWORD_LENGTH) return 'auth_password_too_short';
	if (password.length > MAXIMUM_PASSWORD_LENGTH) return 'auth_password_too_long';
	const folded = password.trim().toLowerCase();
	const address = email.trim().toLowerCase();
	if (address && (folded === address || folded === address.split('@')[0])) {
		return 'auth_password_is_email';
	}
	// One or two characters repeated (aaaaaaaaaaaa, 121212121212) are as weak as a listed one.
	if (COMMON_PASSWORDS.has(folded) || new Set(folded).size <= 2) return 'auth_password_too_common';
	return null;
}
