import { describe, expect, it } from 'vitest';
import { checkPasswordRule, hashPassword, verifyPasswordHash } from './password.ts';

describe('the staff password rule', () => {
	it('accepts a long passphrase', () => {
		expect(checkPasswordRule('correct horse battery staple', 'laila@dawatmedia.no')).toBeNull();
	});

	it('asks for at least 12 characters, counting letters rather than bytes', () => {
		expect(checkPasswordRule('short pass1')).toBe('auth_password_too_short');
		expect(checkPasswordRule('دری دری دری ')).toBeNull();
		expect(checkPasswordRule('دری دری د')).toBe('auth_password_too_short');
	});

	it('refuses the email address or its name part, whatever the case', () => {
		expect(checkPasswordRule('Laila.Ahmadi@Dawatmedia.no', 'laila.ahmadi@dawatmedia.no')).toBe(
			'auth_password_is_email'
		);
		expect(checkPasswordRule('laila.ahmadi.2026', 'laila.ahmadi.2026@example.org')).toBe(
			'auth_password_is_email'
		);
	});

	it('refuses the passwords attackers try first, and one repeated character', () => {
		expect(checkPasswordRule('Password1234')).toBe('auth_password_too_common');
		expect(checkPasswordRule('qwerty123456')).toBe('auth_password_too_common');
		expect(checkPasswordRule('aaaaaaaaaaaaaaaa')).toBe('auth_password_too_common');
		expect(checkPasswordRule('121212121212')).toBe('auth_password_too_common');
	});

	it('refuses a password longer than 256 characters', () => {
		expect(checkPasswordRule('x'.repeat(200) + 'y'.repeat(57))).toBe('auth_password_too_long');
	});
});

describe('password hashing', () => {
	it('stores argon2id with the chosen cost and verifies only the right password', async () => {
		const hash = await hashPassword('correct horse battery staple');
		expect(hash).toMatch(/^\$argon2id\$v=19\$m=19456,t=2,p=1\$/);
		expect(await verifyPasswordHash(hash, 'correct horse battery staple')).toBe(true);
		expect(await verifyPasswordHash(hash, 'correct horse battery stapl')).toBe(false);
		expect(await verifyPasswordHash('not a hash', 'anything')).toBe(false);
	});
});
