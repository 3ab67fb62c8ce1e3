import { sql, type Kysely } from 'kysely';
import type { Database, StaffUser } from '../db/schema.ts';
import { recordAudit } from '../organisation/audit.ts';
import { hashPassword } from './password.ts';
import { countStaff, createStaffUser, staffAuditView } from './staff.ts';
import { hashToken, randomBase32 } from './token.ts';

// First run: while no staff account exists, `npm start` prints a one-time link that creates the
// first admin. Only the token's hash is stored; a token works once, for 24 hours, and only while
// there is still no staff account at all.

export const SETUP_TOKEN_LIFETIME_MS = 24 * 60 * 60 * 1000;

export async function createSetupToken(
	db: Kysely<Database>,
	now: Date = new Date()
): Promise<string> {
	const token = randomBase32(20);
	await db.deleteFrom('staff_setup_token').where('expires_at', '<=', now).execute();
	await db
		.insertInto('staff_setup_token')
		.values({
			token_hash: hashToken(token),
			expires_at: new Date(now.getTime() + SETUP_TOKEN_LIFETIME_MS)
		})
		.execute();
	return token;
}

/** Whether the link may still be used: a known, unexpired token and no staff account yet. */
export async function isSetupTokenUsable(
	db: Kysely<Database>,
	token: string,
	now: Date = new Date()
): Promise<boolean> {
	if (!token || (await countStaff(db)) > 0) return false;
	const row = await db
		.selectFrom('staff_setup_token')
		.select('expires_at')
		.where('token_hash', '=', hashToken(token))
		.where('expires_at', '>', now)
		.executeTakeFirst();
	return row !== undefined;
}

export type SetupResult =
	{ ok: true; user: StaffUser } | { ok: false; reason: 'token_unusable' | 'email_taken' };

/**
 * Creates the first admin with a setup token, in one transaction: the token is used up, every
 * other setup token is dropped, and a lock makes two setups at once give one admin.
 */
export async function completeSetup(
	db: Kysely<Database>,
	{
		token,
		email,
		name,
		password,
		requestId = null,
		now = new Date()
	}: {
		token: string;
		email: string;
		name: string;
		password: string;
		requestId?: string | null;
		now?: Date;
	}
): Promise<SetupResult> {
	const passwordHash = await hashPassword(password);
	return db.transaction().execute(async (trx) => {
		await sql`select pg_advisory_xact_lock(hashtext('komak:staff-setup'))`.execute(trx);
		const used = await trx
			.deleteFrom('staff_setup_token')
			.where('token_hash', '=', hashToken(token))
			.where('expires_at', '>', now)
			.returning('token_hash')
			.executeTakeFirst();
		if (!used || (await countStaff(trx)) > 0) return { ok: false, reason: 'token_unusable' };
		const created = await createStaffUser(trx, { email, name, role: 'admin', passwordHash });
		if (!created.ok) return created;
		await trx.deleteFrom('staff_setup_token').execute();
		await recordAudit(trx, {
			staffUserId: created.user.id,
			action: 'staff.setup',
			entityType: 'staff_user',
			entityId: created.user.id,
			after: staffAuditView(created.user),
			requestId
		});
		return created;
	});
}

/**
 * Run at start: while no staff account exists, prints the one-time link that creates the first
 * admin (to the console, where whoever started the app sees it, not to the JSON log).
 */
export async function announceFirstRunSetup(
	db: Kysely<Database>,
	origin: string,
	print: (line: string) => void = console.log
): Promise<string | null> {
	if ((await countStaff(db)) > 0) return null;
	const token = await createSetupToken(db);
	const link = `${origin.replace(/\/$/, '')}/admin/setup?token=${token}`;
	print(`  Create the first staff account: ${link}
  (the link works once, for 24 hours; or run: npm run staff:create -- --email you@example.org --role admin)`);
	return link;
}
