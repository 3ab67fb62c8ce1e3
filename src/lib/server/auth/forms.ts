import { z } from 'zod';
import { m } from '../../paraglide/messages.js';
import { localPath } from '../http/local-path.ts';
import { minutesUntil, type AttemptLimit } from './attempts.ts';
import {
	checkPasswordRule,
	MAXIMUM_PASSWORD_LENGTH,
	MINIMUM_PASSWORD_LENGTH,
	type PasswordRuleKey
} from './password.ts';

// The sign-in and account forms' shapes: FormData in, typed values or a message per field out,
// in the request's language. Passwords are never echoed back to the page.

export type FieldErrors = Record<string, string>;

export type ParsedForm<T> = { ok: true; data: T } | { ok: false; errors: FieldErrors };

export function parseForm<T extends z.ZodType>(
	schema: T,
	formData: FormData
): ParsedForm<z.output<T>> {
	const raw: Record<string, string> = {};
	for (const [name, value] of formData) if (typeof value === 'string') raw[name] = value;
	const result = schema.safeParse(raw);
	if (result.success) return { ok: true, data: result.data };
	const errors: FieldErrors = {};
	for (const issue of result.error.issues) {
		const field = String(issue.path[0] ?? 'form');
		errors[field] ??= issue.message;
	}
	return { ok: false, errors };
}

/** What a form echoes back after a failure: what was typed, minus every password field. */
export function echo(formData: FormData, fields: string[]): Record<string, string> {
	return Object.fromEntries(
		fields.map((field) => {
			const value = formData.get(field);
			return [field, typeof value === 'string' ? value : ''];
		})
	);
}

export const emailField = () =>
	z
		.string({ error: () => m.auth_error_email_required() })
		.trim()
		.min(1, { error: () => m.auth_error_email_required() })
		.max(254, { error: () => m.auth_error_email_invalid() })
		.pipe(z.email({ error: () => m.auth_error_email_invalid() }));

export const nameField = () =>
	z
		.string({ error: () => m.auth_error_name_required() })
		.trim()
		.min(1, { error: () => m.auth_error_name_required() })
		.max(200, { error: () => m.auth_error_name_too_long() });

/** A password as typed at sign-in: only required (the rule is for new passwords). */
export const enteredPasswordField = () =>
	z
		.string({ error: () => m.auth_error_password_required() })
		.min(1, { error: () => m.auth_error_password_required() })
		.max(MAXIMUM_PASSWORD_LENGTH * 4, { error: () => m.auth_error_wrong_credentials() });

export function passwordRuleText(key: PasswordRuleKey): string {
	switch (key) {
		case 'auth_password_too_short':
			return m.auth_password_too_short({ minimum: MINIMUM_PASSWORD_LENGTH });
		case 'auth_password_too_long':
			return m.auth_password_too_long({ maximum: MAXIMUM_PASSWORD_LENGTH });
		case 'auth_password_is_email':
			return m.auth_password_is_email();
		case 'auth_password_too_common':
			return m.auth_password_too_common();
	}
}

/**
 * Checks a new password typed twice against the rule; returns errors for the two fields (named
 * by the form), empty when it may be used.
 */
export function checkNewPassword(
	password: string,
	repeated: string,
	email: string,
	fields: { password: string; repeated: string }
): FieldErrors {
	const broken = checkPasswordRule(password, email);
	if (broken) return { [fields.password]: passwordRuleText(broken) };
	if (password !== repeated) return { [fields.repeated]: m.auth_error_password_mismatch() };
	return {};
}

/**
 * When to try again. Held back by the account's count, the person is told that a browser they
 * signed in on before is not: that is how an account's owner gets past a stranger's guessing.
 */
export function lockedText(retryAt: Date, limitedBy: AttemptLimit): string {
	const minutes = minutesUntil(retryAt);
	return limitedBy === 'account'
		? m.auth_error_locked_known_device({ minutes })
		: m.auth_error_locked({ minutes });
}

/** Where to go after signing in: only a path inside the admin, never another site. */
export function safeNextPath(next: string | null | undefined): string {
	const path = localPath(next, '/admin');
	const isInsideAdmin = path === '/admin' || /^\/admin[/?#]/.test(path);
	const isSignInPage = /^\/admin\/(sign-in|sign-out|setup)(?:[/?#]|$)/.test(path);
	return isInsideAdmin && !isSignInPage ? path : '/admin';
}
