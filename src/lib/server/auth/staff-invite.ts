import type { Kysely, Transaction } from 'kysely';
import type { Database, StaffRole, StaffUser } from '../db/schema.ts';
import { isLocale, type Locale } from '../../locales.ts';
import { queueEmail } from '../mail/outbox.ts';
import { recordAudit } from '../organisation/audit.ts';
import { findOrganisation } from '../organisation/settings.ts';
import { renderInviteEmail } from './invite-email.ts';
import { hashPassword } from './password.ts';
import {
	changeStaffPassword,
	createStaffUser,
	findStaffById,
	setStaffLocale,
	staffAuditView
} from './staff.ts';
import { hashToken, randomBase32 } from './token.ts';

// Staff accounts are invited: an admin names the person, their role and the language of the
// invitation, and the invitee gets a link through the mail queue to set their own password. Only
// the link's hash is stored; it works once, for a week. Opening it only shows the form (a mail
// scanner that follows links uses nothing up); the password sent with the form uses it.

export const INVITE_LINK_DAYS = 7;
const TOKEN_BYTES = 20; // 32 base32 characters, 160 bits
const tokenPattern = /^[a-z2-7]{32}$/;

type Db = Kysely<Database> | Transaction<Database>;

export interface Invitation {
	email: string;
	name: string;
	role: StaffRole;
	/** The language of the invitation email. */
	locale: Locale;
	invitedBy: string;
	/** The site's public origin, for the link. */
	origin: string;
	requestId?: string | null;
	now?: Date;
}

export type InviteResult =
	{ ok: true; user: StaffUser } | { ok: false; reason: 'email_taken' | 'not_invited' };

/** Creates an account without a password and queues its invitation, in one transaction. */
export async function inviteStaff(
	db: Kysely<Database>,
	invitation: Invitation
): Promise<InviteResult> {
	const { email, name, role, locale, invitedBy, requestId = null } = invitation;
	return db.transaction().execute(async (trx): Promise<InviteResult> => {
		const created = await createStaffUser(trx, { email, name, role, passwordHash: null });
		if (!created.ok) return created;
		await recordAudit(trx, {
			staffUserId: invitedBy,
			action: 'staff.invite',
			entityType: 'staff_user',
			entityId: created.user.id,
			after: staffAuditView(created.user),
			requestId
		});
		await sendInvitation(trx, created.user, locale, invitation);
		return created;
	});
}

/**
 * A new link for an invitee who has not set a password yet, in the language of the last one;
 * the links sent before stop working.
 */
export async function resendInvitation(
	db: Kysely<Database>,
	staffUserId: string,
	{
		invitedBy,
		origin,
		requestId = null,
		now = new Date()
	}: Omit<Invitation, 'email' | 'name' | 'role' | 'locale'>
): Promise<InviteResult> {
	return db.transaction().execute(async (trx): Promise<InviteResult> => {
		const user = await findStaffById(trx, staffUserId);
		if (!user || user.password_hash !== null || user.is_disabled) {
			return { ok: false, reason: 'not_invited' };
		}
		const last = await trx
			.selectFrom('staff_invite_token')
			.select('locale')
			.where('staff_user_id', '=', user.id)
			.orderBy('created_at', 'desc')
			.executeTakeFirst();
		await trx.deleteFrom('staff_invite_token').where('staff_user_id', '=', user.id).execute();
		await recordAudit(trx, {
			staffUserId: invitedBy,
			action: 'staff.invite_resend',
			entityType: 'staff_user',
			entityId: user.id,
			requestId
		});
		const locale = isLocale(last?.locale) ? last.locale : 'en';
		await sendInvitation(trx, user, locale, { origin, now });
		return { ok: true, user };
	});
}

async function sendInvitation(
	trx: Transaction<Database>,
	user: StaffUser,
	locale: Locale,
	{ origin, now = new Date() }: { origin: string; now?: Date }
) {
	const organisation = await findOrganisation(trx);
	const token = randomBase32(TOKEN_BYTES);
	const url = new URL('/admin/invite', origin);
	url.searchParams.set('token', token);
	await trx
		.insertInto('staff_invite_token')
		.values({
			token_hash: hashToken(token),
			staff_user_id: user.id,
			locale,
			expires_at: new Date(now.getTime() + INVITE_LINK_DAYS * 24 * 60 * 60 * 1000)
		})
		.execute();
	await queueEmail(trx, {
		kind: 'staff_invite',
		to: user.email,
		locale,
		...renderInviteEmail({
			locale,
			name: user.name,
			organisationName: organisation.name,
			inviteUrl: url.toString(),
			validDays: INVITE_LINK_DAYS
		})
	});
}

export type InviteState =
	{ state: 'valid'; email: string; name: string } | { state: 'used' | 'expired' | 'unknown' };

/** What an invitation link is, without using it. */
export async function checkInvitation(
	db: Db,
	token: string,
	now: Date = new Date()
): Promise<InviteState> {
	if (!tokenPattern.test(token)) return { state: 'unknown' };
	const row = await db
		.selectFrom('staff_invite_token as t')
		.innerJoin('staff_user', 'staff_user.id', 't.staff_user_id')
		.select([
			't.expires_at',
			't.used_at',
			'staff_user.email',
			'staff_user.name',
			'staff_user.is_disabled'
		])
		.where('t.token_hash', '=', hashToken(token))
		.executeTakeFirst();
	if (!row || row.is_disabled) return { state: 'unknown' };
	if (row.used_at) return { state: 'used' };
	if (row.expires_at <= now) return { state: 'expired' };
	return { state: 'valid', email: row.email, name: row.name };
}

/**
 * The language an invitation was written in, for its page (even a used or expired link's, so the
 * invitee reads why in it); null for a link that never existed.
 */
export async function invitationLocale(db: Db, token: string): Promise<Locale | null> {
	if (!tokenPattern.test(token)) return null;
	const row = await db
		.selectFrom('staff_invite_token')
		.select('locale')
		.where('token_hash', '=', hashToken(token))
		.executeTakeFirst();
	return isLocale(row?.locale) ? row.locale : null;
}

export type InviteAcceptance =
	{ ok: true; user: StaffUser } | { ok: false; problem: 'used' | 'expired' | 'unknown' };

/**
 * Sets the invitee's password with the link, at most once: the update that marks the link used
 * is also the check, so two submissions at once cannot both succeed.
 */
export async function acceptInvitation(
	db: Kysely<Database>,
	{ token, password, now = new Date() }: { token: string; password: string; now?: Date }
): Promise<InviteAcceptance> {
	if (!tokenPattern.test(token)) return { ok: false, problem: 'unknown' };
	const passwordHash = await hashPassword(password);
	return db.transaction().execute(async (trx): Promise<InviteAcceptance> => {
		const used = await trx
			.updateTable('staff_invite_token')
			.set({ used_at: now })
			.where('token_hash', '=', hashToken(token))
			.where('used_at', 'is', null)
			.where('expires_at', '>', now)
			.returning(['staff_user_id', 'locale'])
			.executeTakeFirst();
		if (!used) {
			const checked = await checkInvitation(trx, token, now);
			return { ok: false, problem: checked.state === 'valid' ? 'used' : checked.state };
		}
		const user = await findStaffById(trx, used.staff_user_id);
		if (!user || user.is_disabled || user.password_hash !== null) {
			return { ok: false, problem: 'unknown' };
		}
		await changeStaffPassword(trx, user.id, passwordHash);
		// The admin follows the language the invitee chose their password in, until they choose.
		if (isLocale(used.locale)) {
			await setStaffLocale(trx, user.id, used.locale, { replace: false });
		}
		await recordAudit(trx, {
			staffUserId: user.id,
			action: 'staff.invite_accept',
			entityType: 'staff_user',
			entityId: user.id
		});
		return { ok: true, user: (await findStaffById(trx, user.id))! };
	});
}
