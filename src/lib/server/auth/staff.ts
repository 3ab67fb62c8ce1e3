import { sql, type Kysely, type Transaction } from 'kysely';
import type { Database, StaffRole, StaffUser } from '../db/schema.ts';
import { isLocale, type Locale } from '../../locales.ts';
import type { StaffIdentity } from './guard.ts';
import { invalidateUserSessions } from './session.ts';

type Db = Kysely<Database> | Transaction<Database>;

export const STAFF_ROLES: readonly StaffRole[] = ['admin', 'staff', 'viewer'];

export function isStaffRole(value: unknown): value is StaffRole {
	return typeof value === 'string' && (STAFF_ROLES as readonly string[]).includes(value);
}

export function toStaffIdentity(user: StaffUser): StaffIdentity {
	return {
		id: user.id,
		email: user.email,
		name: user.name,
		role: user.role,
		hasTwoFactor: user.totp_enabled_at !== null,
		locale: isLocale(user.locale) ? user.locale : null
	};
}

/** What the audit log may keep of an account: never the password hash or the TOTP key. */
export function staffAuditView(user: StaffUser) {
	return {
		id: user.id,
		email: user.email,
		name: user.name,
		role: user.role,
		isDisabled: user.is_disabled,
		hasTwoFactor: user.totp_enabled_at !== null
	};
}

export type CreateStaffResult =
	{ ok: true; user: StaffUser } | { ok: false; reason: 'email_taken' };

/**
 * Adds a staff account (hash the password first with `hashPassword`, outside any transaction:
 * it takes tens of milliseconds), or, with a null hash, an invited one that cannot sign in until
 * its invitee sets a password (staff-invite.ts). The email is unique whatever its case: the unique index
 * decides, so two requests racing for one address give one account and one `email_taken`.
 */
export async function createStaffUser(
	db: Db,
	{
		email,
		name = '',
		role,
		passwordHash,
		locale = null
	}: {
		email: string;
		name?: string;
		role: StaffRole;
		passwordHash: string | null;
		locale?: string | null;
	}
): Promise<CreateStaffResult> {
	const user = await db
		.insertInto('staff_user')
		.values({ email: email.trim(), name: name.trim(), role, password_hash: passwordHash, locale })
		.onConflict((oc) => oc.doNothing())
		.returningAll()
		.executeTakeFirst();
	return user ? { ok: true, user } : { ok: false, reason: 'email_taken' };
}

export async function findStaffByEmail(db: Db, email: string): Promise<StaffUser | undefined> {
	return db
		.selectFrom('staff_user')
		.selectAll()
		.where(sql<string>`lower(email)`, '=', email.trim().toLowerCase())
		.executeTakeFirst();
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export async function findStaffById(db: Db, id: string): Promise<StaffUser | undefined> {
	if (!UUID.test(id)) return undefined;
	return db.selectFrom('staff_user').selectAll().where('id', '=', id).executeTakeFirst();
}

/** How a staff member is named where their work is shown: a gift they typed in, say. */
export async function findStaffName(
	db: Db,
	id: string
): Promise<Pick<StaffUser, 'name' | 'email'> | undefined> {
	return db
		.selectFrom('staff_user')
		.select(['name', 'email'])
		.where('id', '=', id)
		.executeTakeFirst();
}

export async function countStaff(db: Db): Promise<number> {
	const row = await db
		.selectFrom('staff_user')
		.select((eb) => eb.fn.countAll<number>().as('count'))
		.executeTakeFirstOrThrow();
	return Number(row.count);
}

export async function listStaff(db: Db): Promise<StaffUser[]> {
	return db
		.selectFrom('staff_user')
		.selectAll()
		.orderBy('is_disabled')
		.orderBy(sql`lower(name)`)
		.orderBy(sql`lower(email)`)
		.execute();
}

/**
 * A new password (already hashed); every other session of the account ends, since one of them
 * may be an intruder's. Returns how many sessions ended.
 */
export async function changeStaffPassword(
	db: Db,
	staffUserId: string,
	passwordHash: string,
	{ keepSessionId }: { keepSessionId?: string } = {}
): Promise<number> {
	await db
		.updateTable('staff_user')
		.set({ password_hash: passwordHash, password_changed_at: sql`now()`, updated_at: sql`now()` })
		.where('id', '=', staffUserId)
		.execute();
	return invalidateUserSessions(db, staffUserId, { exceptSessionId: keepSessionId });
}

export async function recordSignIn(db: Db, staffUserId: string, now: Date = new Date()) {
	await db
		.updateTable('staff_user')
		.set({ last_signed_in_at: now })
		.where('id', '=', staffUserId)
		.execute();
}

export type StaffChangeResult =
	| { ok: true; before: StaffUser; after: StaffUser }
	| { ok: false; reason: 'not_found' | 'last_admin' };

/**
 * Locks the account and every active admin row, so two admins demoting each other at the same
 * moment cannot leave the organisation with none. Run inside a transaction.
 */
async function lockForAdminChange(trx: Transaction<Database>, staffUserId: string) {
	const admins = await trx
		.selectFrom('staff_user')
		.select('id')
		.where('role', '=', 'admin')
		.where('is_disabled', '=', false)
		.orderBy('id')
		.forUpdate()
		.execute();
	const user = await trx
		.selectFrom('staff_user')
		.selectAll()
		.where('id', '=', staffUserId)
		.forUpdate()
		.executeTakeFirst();
	return { activeAdminIds: admins.map((a) => a.id), user };
}

/** Changes a role; the last active admin cannot stop being one. */
export async function setStaffRole(
	trx: Transaction<Database>,
	staffUserId: string,
	role: StaffRole
): Promise<StaffChangeResult> {
	const { activeAdminIds, user } = await lockForAdminChange(trx, staffUserId);
	if (!user) return { ok: false, reason: 'not_found' };
	const isLastAdmin = activeAdminIds.length === 1 && activeAdminIds[0] === user.id;
	if (isLastAdmin && role !== 'admin') return { ok: false, reason: 'last_admin' };
	const after = await trx
		.updateTable('staff_user')
		.set({ role, updated_at: sql`now()` })
		.where('id', '=', user.id)
		.returningAll()
		.executeTakeFirstOrThrow();
	return { ok: true, before: user, after };
}

/**
 * Disables an account (every session ends at once) or enables it again; the last active admin
 * cannot be disabled.
 */
export async function setStaffDisabled(
	trx: Transaction<Database>,
	staffUserId: string,
	isDisabled: boolean
): Promise<StaffChangeResult> {
	const { activeAdminIds, user } = await lockForAdminChange(trx, staffUserId);
	if (!user) return { ok: false, reason: 'not_found' };
	const isLastAdmin = activeAdminIds.length === 1 && activeAdminIds[0] === user.id;
	if (isLastAdmin && isDisabled) return { ok: false, reason: 'last_admin' };
	const after = await trx
		.updateTable('staff_user')
		.set({ is_disabled: isDisabled, updated_at: sql`now()` })
		.where('id', '=', user.id)
		.returningAll()
		.executeTakeFirstOrThrow();
	if (isDisabled) await invalidateUserSessions(trx, user.id);
	return { ok: true, before: user, after };
}

/**
 * The language the account's admin is shown in. Only sets it when none is kept yet, unless
 * `replace` (the account page's choice): the first signed-in page takes the browser's.
 */
export async function setStaffLocale(
	db: Db,
	staffUserId: string,
	locale: Locale,
	{ replace = true }: { replace?: boolean } = {}
): Promise<void> {
	let query = db
		.updateTable('staff_user')
		.set({ locale, updated_at: sql`now()` })
		.where('id', '=', staffUserId);
	if (!replace) query = query.where('locale', 'is', null);
	await query.execute();
}
