import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { migrateToLatest } from '../../src/lib/server/db/migrate.ts';
import { checkPassword } from '../../src/lib/server/auth/sign-in.ts';
import { createStaffUser, findStaffById } from '../../src/lib/server/auth/staff.ts';
import {
	acceptInvitation,
	checkInvitation,
	invitationLocale,
	inviteStaff,
	resendInvitation
} from '../../src/lib/server/auth/staff-invite.ts';
import { engines, type TestDatabase } from './databases.ts';

const PASSWORD = 'kabul tea with cardamom';
const days = (n: number) => n * 24 * 60 * 60 * 1000;
const tokenIn = (text: string) => text.match(/\/admin\/invite\?token=([a-z2-7]{32})/)?.[1] ?? '';

describe.each(engines)('staff invitations on $name', ({ create, available }) => {
	let test: TestDatabase;
	let adminId: string;
	let counter = 0;

	beforeAll(async () => {
		if (!available) return;
		test = await create();
		await migrateToLatest(test.db);
		const admin = await createStaffUser(test.db, {
			email: 'laila@dawatmedia.no',
			role: 'admin',
			passwordHash: 'not-used-here'
		});
		if (!admin.ok) throw new Error(admin.reason);
		adminId = admin.user.id;
	});
	afterAll(async () => {
		await test?.drop();
	});

	async function invite(now = new Date()) {
		const email = `invitee${++counter}@dawatmedia.no`;
		const result = await inviteStaff(test.db, {
			email,
			name: `Invitee ${counter}`,
			role: 'staff',
			locale: 'fa-AF',
			invitedBy: adminId,
			origin: 'https://give.example.org',
			now
		});
		if (!result.ok) throw new Error(result.reason);
		return { email, user: result.user, token: await lastToken(email) };
	}

	async function lastToken(email: string) {
		const message = await test.db
			.selectFrom('email_message')
			.select(['text_body', 'locale', 'kind'])
			.where('to_address', '=', email)
			.orderBy('created_at', 'desc')
			.orderBy('id', 'desc')
			.executeTakeFirstOrThrow();
		expect(message).toMatchObject({ kind: 'staff_invite', locale: 'fa-AF' });
		return tokenIn(message.text_body);
	}

	it.skipIf(!available)(
		'queues the invitation in the chosen language; the link sets a password once, and only then can the account sign in',
		async () => {
			const { email, user, token } = await invite();
			expect(user.password_hash).toBeNull();
			const stored = await test.db
				.selectFrom('staff_invite_token')
				.select('token_hash')
				.where('staff_user_id', '=', user.id)
				.executeTakeFirstOrThrow();
			expect(Buffer.from(stored.token_hash).toString('utf8')).not.toContain(token);
			const before = await checkPassword(test.db, {
				email,
				password: PASSWORD,
				clientAddress: '192.0.2.1'
			});
			expect(before).toEqual({ ok: false, reason: 'wrong' });

			// Opening the link twice uses nothing up.
			expect(await checkInvitation(test.db, token)).toMatchObject({ state: 'valid', email });
			expect(await checkInvitation(test.db, token)).toMatchObject({ state: 'valid' });
			const [first, second] = await Promise.all([
				acceptInvitation(test.db, { token, password: PASSWORD }),
				acceptInvitation(test.db, { token, password: 'another password entirely' })
			]);
			expect([first.ok, second.ok].sort()).toEqual([false, true]);
			expect(await checkInvitation(test.db, token)).toEqual({ state: 'used' });
			// The link's page, even used, speaks the invitation's language, and so does the admin.
			expect(await invitationLocale(test.db, token)).toBe('fa-AF');
			expect(await invitationLocale(test.db, 'a'.repeat(32))).toBeNull();
			expect((await findStaffById(test.db, user.id))?.locale).toBe('fa-AF');
			const winner = first.ok ? PASSWORD : 'another password entirely';
			const after = await checkPassword(test.db, {
				email,
				password: winner,
				clientAddress: '192.0.2.1'
			});
			expect(after.ok).toBe(true);
			// An account with a password has no invitation to send again.
			expect(
				await resendInvitation(test.db, user.id, {
					invitedBy: adminId,
					origin: 'https://give.example.org'
				})
			).toEqual({ ok: false, reason: 'not_invited' });
		}
	);

	it.skipIf(!available)(
		'a new invitation replaces the earlier link, and a link ends after a week',
		async () => {
			const start = new Date();
			const { email, user, token: firstToken } = await invite(start);
			const resent = await resendInvitation(test.db, user.id, {
				invitedBy: adminId,
				origin: 'https://give.example.org',
				now: start
			});
			expect(resent.ok).toBe(true);
			const token = await lastToken(email);
			expect(token).not.toBe(firstToken);
			expect(await checkInvitation(test.db, firstToken)).toEqual({ state: 'unknown' });
			expect(await checkInvitation(test.db, token, new Date(start.getTime() + days(8)))).toEqual({
				state: 'expired'
			});
			expect(
				await acceptInvitation(test.db, {
					token,
					password: PASSWORD,
					now: new Date(start.getTime() + days(8))
				})
			).toEqual({ ok: false, problem: 'expired' });
			const actions = await test.db
				.selectFrom('audit_log')
				.select('action')
				.where('entity_id', '=', user.id)
				.orderBy('id')
				.execute();
			expect(actions.map((row) => row.action)).toEqual(['staff.invite', 'staff.invite_resend']);
		}
	);
});
