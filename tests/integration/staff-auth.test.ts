import { randomBytes } from 'node:crypto';
import { generateHOTP, generateTOTP } from '@oslojs/otp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { migrateToLatest } from '../../src/lib/server/db/migrate.ts';
import { lockedText } from '../../src/lib/server/auth/forms.ts';
import { issueKnownDevice } from '../../src/lib/server/auth/known-device.ts';
import { hashPassword } from '../../src/lib/server/auth/password.ts';
import {
	createSession,
	invalidateUserSessions,
	SESSION_ABSOLUTE_LIFETIME_MS,
	SESSION_INACTIVITY_MS,
	SESSION_RENEWAL_INTERVAL_MS,
	validateSessionToken
} from '../../src/lib/server/auth/session.ts';
import {
	completeSetup,
	createSetupToken,
	isSetupTokenUsable
} from '../../src/lib/server/auth/setup.ts';
import {
	checkPassword,
	signInWithPassword,
	verifySecondFactor
} from '../../src/lib/server/auth/sign-in.ts';
import {
	changeStaffPassword,
	createStaffUser,
	findStaffByEmail,
	findStaffById,
	setStaffDisabled,
	setStaffRole
} from '../../src/lib/server/auth/staff.ts';
import {
	beginTotpEnrolment,
	confirmTotpEnrolment,
	useRecoveryCode
} from '../../src/lib/server/auth/totp.ts';
import type { StaffRole } from '../../src/lib/server/db/schema.ts';
import { engines, type TestDatabase } from './databases.ts';

// TOTP keys are sealed with the app key; tests use one of their own, never a key file.
process.env.KOMAK_SECRET_KEY ??= randomBytes(32).toString('base64');

const PASSWORD = 'correct horse battery staple';
const minutes = (n: number) => n * 60 * 1000;

describe.each(engines)('staff sign-in on $name', ({ create, available }) => {
	let test: TestDatabase;
	let passwordHash: string;
	let counter = 0;

	beforeAll(async () => {
		if (!available) return;
		test = await create();
		await migrateToLatest(test.db);
		passwordHash = await hashPassword(PASSWORD);
	});
	afterAll(async () => {
		await test?.drop();
	});

	/** For tests about the first or last admin: the staff tables emptied, as on a first run. */
	async function withoutStaff() {
		for (const table of [
			'audit_log',
			'staff_setup_token',
			'staff_session',
			'staff_user'
		] as const) {
			await test.db.deleteFrom(table).execute();
		}
		return test;
	}

	async function addStaff(role: StaffRole = 'staff', email = `person${++counter}@dawatmedia.no`) {
		const created = await createStaffUser(test.db, {
			email,
			name: `Person ${counter}`,
			role,
			passwordHash
		});
		if (!created.ok) throw new Error(created.reason);
		return created.user;
	}

	it.skipIf(!available)(
		'keeps a session while it is used and ends it after 12 idle hours',
		async () => {
			const user = await addStaff();
			const start = new Date('2026-12-01T08:00:00Z');
			const { token, session } = await createSession(test.db, user.id, { now: start });
			const row = await test.db
				.selectFrom('staff_session')
				.selectAll()
				.where('id', '=', session.id)
				.executeTakeFirstOrThrow();
			expect(Buffer.from(row.secret_hash)).toHaveLength(32);
			expect(Buffer.from(row.secret_hash).toString('hex')).not.toContain(token.split('.')[1]);

			// Used a minute later: valid, but not yet worth a write.
			const soon = await validateSessionToken(
				test.db,
				token,
				new Date(start.getTime() + minutes(1))
			);
			expect(soon).toMatchObject({ isRenewed: false, isFullySignedIn: true });
			expect(soon?.user.id).toBe(user.id);

			// Used 11 hours later: renewed, so the 12 hours count from now.
			const later = new Date(start.getTime() + minutes(11 * 60));
			expect(await validateSessionToken(test.db, token, later)).toMatchObject({ isRenewed: true });
			const stillValid = new Date(later.getTime() + SESSION_INACTIVITY_MS - minutes(1));
			expect(await validateSessionToken(test.db, token, stillValid)).not.toBeNull();

			const idle = new Date(stillValid.getTime() + SESSION_INACTIVITY_MS);
			expect(await validateSessionToken(test.db, token, idle)).toBeNull();
			// The expired session is gone, not only refused.
			expect(
				await test.db
					.selectFrom('staff_session')
					.where('id', '=', session.id)
					.select('id')
					.executeTakeFirst()
			).toBeUndefined();
			expect(SESSION_RENEWAL_INTERVAL_MS).toBe(minutes(5));
		}
	);

	it.skipIf(!available)(
		'ends a session 7 days after sign-in, however often it is used',
		async () => {
			const user = await addStaff();
			const now = Date.now();
			const daysAgo = (days: number) => new Date(now - days * 24 * 60 * minutes(1));
			// Signed in 8 days ago and 6 days ago, then used every ten hours up to now.
			const old = await createSession(test.db, user.id, { now: daysAgo(8) });
			const recent = await createSession(test.db, user.id, { now: daysAgo(6) });
			for (let at = daysAgo(8).getTime(); at < now; at += minutes(10 * 60)) {
				const oldUse = await validateSessionToken(test.db, old.token, new Date(at));
				expect(oldUse === null).toBe(at >= daysAgo(1).getTime());
				if (at >= daysAgo(6).getTime()) {
					expect(await validateSessionToken(test.db, recent.token, new Date(at))).not.toBeNull();
				}
			}
			const lastUse = await test.db
				.selectFrom('staff_session')
				.select('last_verified_at')
				.where('id', '=', recent.session.id)
				.executeTakeFirstOrThrow();
			expect(now - lastUse.last_verified_at.getTime()).toBeLessThan(minutes(10 * 60));

			expect(await validateSessionToken(test.db, old.token, new Date(now))).toBeNull();
			expect(await validateSessionToken(test.db, recent.token, new Date(now))).not.toBeNull();
			expect(SESSION_ABSOLUTE_LIFETIME_MS).toBe(7 * 24 * 60 * minutes(1));
		}
	);

	it.skipIf(!available)(
		'refuses a token with a wrong secret, a made-up id or the wrong shape',
		async () => {
			const user = await addStaff();
			const { token } = await createSession(test.db, user.id);
			const [id, secret] = token.split('.');
			const otherSecret = secret.replace(/^./, (c) => (c === 'a' ? 'b' : 'a'));
			expect(await validateSessionToken(test.db, `${id}.${otherSecret}`)).toBeNull();
			expect(await validateSessionToken(test.db, `aaaaaaaaaaaaaaaaaaaaaaaa.${secret}`)).toBeNull();
			expect(await validateSessionToken(test.db, secret)).toBeNull();
			expect(await validateSessionToken(test.db, `${id}.${secret}.x`)).toBeNull();
			expect(await validateSessionToken(test.db, token)).not.toBeNull();
		}
	);

	it.skipIf(!available)('refuses the sessions of a disabled account, which are ended', async () => {
		await addStaff('admin');
		const user = await addStaff();
		const { token } = await createSession(test.db, user.id);
		await test.db.transaction().execute((trx) => setStaffDisabled(trx, user.id, true));
		expect(await validateSessionToken(test.db, token)).toBeNull();
		const sessions = await test.db
			.selectFrom('staff_session')
			.where('staff_user_id', '=', user.id)
			.select('id')
			.execute();
		expect(sessions).toEqual([]);
		const signIn = await signInWithPassword(test.db, {
			email: user.email,
			password: PASSWORD,
			clientAddress: '10.0.0.1'
		});
		expect(signIn).toEqual({ ok: false, reason: 'disabled' });
	});

	it.skipIf(!available)(
		'signs out everywhere: every session of the account ends, others stay',
		async () => {
			const user = await addStaff();
			const colleague = await addStaff();
			const phone = await createSession(test.db, user.id);
			const laptop = await createSession(test.db, user.id);
			const theirs = await createSession(test.db, colleague.id);
			expect(await invalidateUserSessions(test.db, user.id)).toBe(2);
			expect(await validateSessionToken(test.db, phone.token)).toBeNull();
			expect(await validateSessionToken(test.db, laptop.token)).toBeNull();
			expect(await validateSessionToken(test.db, theirs.token)).not.toBeNull();
		}
	);

	it.skipIf(!available)(
		'changing the password ends every other session and the old password',
		async () => {
			const user = await addStaff();
			const here = await createSession(test.db, user.id);
			const elsewhere = await createSession(test.db, user.id);
			const newPassword = 'a new and longer passphrase';
			const ended = await changeStaffPassword(test.db, user.id, await hashPassword(newPassword), {
				keepSessionId: here.session.id
			});
			expect(ended).toBe(1);
			expect(await validateSessionToken(test.db, here.token)).not.toBeNull();
			expect(await validateSessionToken(test.db, elsewhere.token)).toBeNull();
			const old = await checkPassword(test.db, {
				email: user.email,
				password: PASSWORD,
				clientAddress: '10.0.0.2'
			});
			expect(old).toEqual({ ok: false, reason: 'wrong' });
			const fresh = await checkPassword(test.db, {
				email: user.email,
				password: newPassword,
				clientAddress: '10.0.0.2'
			});
			expect(fresh.ok).toBe(true);
		}
	);

	it.skipIf(!available)('signs in by email in any case and records when', async () => {
		const user = await addStaff('viewer', 'Mixed.Case@DawatMedia.no');
		const result = await signInWithPassword(test.db, {
			email: 'mixed.case@dawatmedia.NO',
			password: PASSWORD,
			clientAddress: '10.0.0.3'
		});
		expect(result).toMatchObject({ ok: true, needsSecondFactor: false });
		if (!result.ok) return;
		expect(await validateSessionToken(test.db, result.token)).toMatchObject({
			isFullySignedIn: true
		});
		expect((await findStaffById(test.db, user.id))?.last_signed_in_at).toBeInstanceOf(Date);
		expect(
			await createStaffUser(test.db, {
				email: 'MIXED.case@dawatmedia.no',
				role: 'staff',
				passwordHash
			})
		).toEqual({ ok: false, reason: 'email_taken' });
	});

	it.skipIf(!available)(
		'slows an account after 5 wrong passwords: each further attempt waits twice as long, even with the right password',
		async () => {
			const user = await addStaff();
			const address = '192.0.2.10';
			const start = new Date();
			const at = (minutesOn: number) => new Date(start.getTime() + minutes(minutesOn));
			const attempt = (password: string, now: Date, clientAddress = address) =>
				checkPassword(test.db, { email: user.email, password, clientAddress, now });
			for (let i = 0; i < 5; i++) {
				expect(await attempt(`wrong guess ${i}`, start)).toEqual({ ok: false, reason: 'wrong' });
			}
			// The sixth waits a minute, from any address and whatever the password.
			const held = await signInWithPassword(test.db, {
				email: user.email.toUpperCase(),
				password: PASSWORD,
				clientAddress: '192.0.2.11',
				now: start
			});
			expect(held).toMatchObject({ ok: false, reason: 'locked', limitedBy: 'account' });
			if (held.ok || held.reason !== 'locked') return;
			expect(held.retryAt).toEqual(at(1));
			expect(lockedText(held.retryAt, held.limitedBy)).toBe(
				'Too many failed attempts. Try again in 1 min, or sign in now on a device you have signed in on before.'
			);
			// Then two minutes, then four: never a lock, but slower and slower.
			expect(await attempt('wrong again', at(1))).toEqual({ ok: false, reason: 'wrong' });
			expect(await attempt(PASSWORD, at(2))).toMatchObject({ reason: 'locked', retryAt: at(3) });
			expect(await attempt('and again', at(3))).toEqual({ ok: false, reason: 'wrong' });
			expect(await attempt(PASSWORD, at(6))).toMatchObject({ reason: 'locked', retryAt: at(7) });
			expect((await attempt(PASSWORD, at(7))).ok).toBe(true);
			// Another account from the same address was never held back by it.
			const colleague = await addStaff();
			expect(
				(
					await checkPassword(test.db, {
						email: colleague.email,
						password: PASSWORD,
						clientAddress: address
					})
				).ok
			).toBe(true);
		}
	);

	it.skipIf(!available)(
		'lets the admin in on a browser they signed in on before, while a stranger guessing at the account stays held back',
		async () => {
			const admin = await addStaff('admin');
			// The admin's laptop signed in before, so it holds a known-device cookie for the account.
			const laptop = issueKnownDevice(admin.id);
			for (let i = 0; i < 12; i++) {
				const guess = await checkPassword(test.db, {
					email: admin.email,
					password: `guess ${i}`,
					clientAddress: `203.0.113.${i}`
				});
				expect(guess).toMatchObject(i < 5 ? { reason: 'wrong' } : { reason: 'locked' });
			}
			const stranger = { email: admin.email, clientAddress: '203.0.113.99' };
			expect(await checkPassword(test.db, { ...stranger, password: PASSWORD })).toMatchObject({
				reason: 'locked',
				limitedBy: 'account'
			});
			// Another account's cookie, or a forged one, is no way past.
			const colleague = await addStaff();
			const forged = laptop.replace(/.$/, (last) => (last === 'A' ? 'B' : 'A'));
			for (const knownDeviceCookie of [issueKnownDevice(colleague.id), forged]) {
				expect(
					await checkPassword(test.db, { ...stranger, password: PASSWORD, knownDeviceCookie })
				).toMatchObject({ reason: 'locked', limitedBy: 'account' });
			}

			const onLaptop = {
				email: admin.email,
				clientAddress: '192.0.2.60',
				knownDeviceCookie: laptop
			};
			expect(await checkPassword(test.db, { ...onLaptop, password: 'a typo' })).toEqual({
				ok: false,
				reason: 'wrong'
			});
			expect(await signInWithPassword(test.db, { ...onLaptop, password: PASSWORD })).toMatchObject({
				ok: true,
				needsSecondFactor: false
			});
			// The admin's sign-in does not let the stranger off.
			expect(await checkPassword(test.db, { ...stranger, password: PASSWORD })).toMatchObject({
				reason: 'locked',
				limitedBy: 'account'
			});
			// A laptop cookie in a thief's hands is slowed down like any stranger.
			for (let i = 0; i < 5; i++) {
				await checkPassword(test.db, { ...onLaptop, password: `thief ${i}` });
			}
			expect(await checkPassword(test.db, { ...onLaptop, password: PASSWORD })).toMatchObject({
				reason: 'locked',
				limitedBy: 'device'
			});
		}
	);

	it.skipIf(!available)(
		'keeps a colleague at the same office address signing in while one account there is guessed at',
		async () => {
			const guessed = await addStaff();
			const colleague = await addStaff();
			const office = '192.0.2.50';
			for (let i = 0; i < 40; i++) {
				const guess = await checkPassword(test.db, {
					email: guessed.email,
					password: `wrong guess ${i}`,
					clientAddress: office
				});
				expect(guess.ok).toBe(false);
			}
			expect(
				(
					await checkPassword(test.db, {
						email: colleague.email,
						password: PASSWORD,
						clientAddress: office
					})
				).ok
			).toBe(true);
		}
	);

	it.skipIf(!available)(
		'counts guesses at an unknown email the same way, so a lockout reveals nothing',
		async () => {
			for (let i = 0; i < 5; i++) {
				expect(
					await checkPassword(test.db, {
						email: 'nobody@dawatmedia.no',
						password: PASSWORD,
						clientAddress: '192.0.2.20'
					})
				).toEqual({ ok: false, reason: 'wrong' });
			}
			expect(
				await checkPassword(test.db, {
					email: 'nobody@dawatmedia.no',
					password: PASSWORD,
					clientAddress: '192.0.2.20'
				})
			).toMatchObject({ ok: false, reason: 'locked' });
		}
	);

	it.skipIf(!available)('forgives earlier mistakes once the right password is given', async () => {
		const user = await addStaff();
		for (let i = 0; i < 4; i++) {
			await checkPassword(test.db, {
				email: user.email,
				password: 'wrong',
				clientAddress: '192.0.2.30'
			});
		}
		expect(
			(
				await checkPassword(test.db, {
					email: user.email,
					password: PASSWORD,
					clientAddress: '192.0.2.30'
				})
			).ok
		).toBe(true);
		for (let i = 0; i < 4; i++) {
			await checkPassword(test.db, {
				email: user.email,
				password: 'wrong',
				clientAddress: '192.0.2.30'
			});
		}
		expect(
			(
				await checkPassword(test.db, {
					email: user.email,
					password: PASSWORD,
					clientAddress: '192.0.2.30'
				})
			).ok
		).toBe(true);
	});

	it.skipIf(!available)(
		'holds back an address that guesses at more than 20 accounts in an hour, but not a known device there',
		async () => {
			const address = '198.51.100.7';
			for (let i = 0; i < 20; i++) {
				expect(
					await checkPassword(test.db, {
						email: `spray${i}@example.org`,
						password: 'Summer2026!',
						clientAddress: address
					})
				).toEqual({ ok: false, reason: 'wrong' });
			}
			const user = await addStaff();
			expect(
				await checkPassword(test.db, {
					email: user.email,
					password: PASSWORD,
					clientAddress: address
				})
			).toMatchObject({ ok: false, reason: 'locked', limitedBy: 'address' });
			expect(
				(
					await checkPassword(test.db, {
						email: user.email,
						password: PASSWORD,
						clientAddress: '198.51.100.8'
					})
				).ok
			).toBe(true);
			expect(
				(
					await checkPassword(test.db, {
						email: user.email,
						password: PASSWORD,
						clientAddress: address,
						knownDeviceCookie: issueKnownDevice(user.id)
					})
				).ok
			).toBe(true);
		}
	);

	it.skipIf(!available)(
		'asks an account with TOTP for a code, accepts a right one once, and holds back a sixth guess but not a known device',
		async () => {
			const user = await addStaff();
			const key = await beginTotpEnrolment(test.db, user.id);
			const enrolling = (await findStaffById(test.db, user.id))!;
			expect(await confirmTotpEnrolment(test.db, enrolling, '000000')).toBeNull();
			const enrolmentCode = generateTOTP(key, 30, 6);
			const recoveryCodes = await confirmTotpEnrolment(test.db, enrolling, enrolmentCode);
			expect(recoveryCodes).toHaveLength(10);
			const stored = (await findStaffById(test.db, user.id))!;
			expect(stored.totp_secret_encrypted).toMatch(/^v1\./);
			expect(stored.recovery_code_hashes).toHaveLength(10);
			expect(stored.recovery_code_hashes).not.toContain(recoveryCodes![0]);

			const signIn = await signInWithPassword(test.db, {
				email: user.email,
				password: PASSWORD,
				clientAddress: '10.0.1.1'
			});
			expect(signIn).toMatchObject({ ok: true, needsSecondFactor: true });
			if (!signIn.ok) return;
			// Until the code is given, the session signs nobody in.
			expect(await validateSessionToken(test.db, signIn.token)).toMatchObject({
				isFullySignedIn: false
			});
			const second = { user: stored, sessionId: signIn.session.id, clientAddress: '10.0.1.1' };
			expect(await verifySecondFactor(test.db, { ...second, code: '123456' })).toEqual({
				ok: false,
				reason: 'wrong'
			});
			// The code that turned two-factor on is used up; the app's next code signs in, once.
			expect(await verifySecondFactor(test.db, { ...second, code: enrolmentCode })).toEqual({
				ok: false,
				reason: 'wrong'
			});
			const nextCode = generateHOTP(key, BigInt(Math.floor(Date.now() / 30_000) + 1), 6);
			expect(await verifySecondFactor(test.db, { ...second, code: nextCode })).toEqual({
				ok: true,
				usedRecoveryCode: false
			});
			expect(await validateSessionToken(test.db, signIn.token)).toMatchObject({
				isFullySignedIn: true
			});
			// Seen over a shoulder and typed into another sign-in: refused.
			const replay = await signInWithPassword(test.db, {
				email: user.email,
				password: PASSWORD,
				clientAddress: '10.0.1.2'
			});
			if (!replay.ok) throw new Error('expected a session');
			expect(
				await verifySecondFactor(test.db, {
					...second,
					sessionId: replay.session.id,
					clientAddress: '10.0.1.2',
					code: nextCode
				})
			).toEqual({ ok: false, reason: 'wrong' });
			expect(await validateSessionToken(test.db, replay.token)).toMatchObject({
				isFullySignedIn: false
			});

			const again = await signInWithPassword(test.db, {
				email: user.email,
				password: PASSWORD,
				clientAddress: '10.0.1.1'
			});
			if (!again.ok) throw new Error('expected a session');
			for (let i = 0; i < 5; i++) {
				await verifySecondFactor(test.db, {
					...second,
					sessionId: again.session.id,
					code: '000000'
				});
			}
			const locked = await verifySecondFactor(test.db, {
				...second,
				sessionId: again.session.id,
				code: generateTOTP(key, 30, 6)
			});
			expect(locked).toMatchObject({ ok: false, reason: 'locked', limitedBy: 'account' });
			expect(await validateSessionToken(test.db, again.token)).toMatchObject({
				isFullySignedIn: false
			});
			// On a browser that signed in to the account before, its owner still gets through.
			const later = new Date(Date.now() + 60_000);
			const laterCode = generateHOTP(key, BigInt(Math.floor(later.getTime() / 30_000)), 6);
			expect(
				await verifySecondFactor(test.db, {
					...second,
					sessionId: again.session.id,
					code: laterCode,
					knownDeviceCookie: issueKnownDevice(user.id),
					now: later
				})
			).toEqual({ ok: true, usedRecoveryCode: false });
		}
	);

	it.skipIf(!available)(
		'takes each recovery code once, even when two requests race with it',
		async () => {
			const user = await addStaff();
			const key = await beginTotpEnrolment(test.db, user.id);
			const codes = (await confirmTotpEnrolment(
				test.db,
				(await findStaffById(test.db, user.id))!,
				generateTOTP(key, 30, 6)
			))!;
			const [first, second] = codes;
			const racing = await Promise.all([
				useRecoveryCode(test.db, user.id, first),
				useRecoveryCode(test.db, user.id, first)
			]);
			expect(racing.filter(Boolean)).toHaveLength(1);
			expect(await useRecoveryCode(test.db, user.id, first)).toBe(false);
			expect(await useRecoveryCode(test.db, user.id, second.toUpperCase().replace('-', ' '))).toBe(
				true
			);
			expect((await findStaffById(test.db, user.id))!.recovery_code_hashes).toHaveLength(8);

			const signIn = await signInWithPassword(test.db, {
				email: user.email,
				password: PASSWORD,
				clientAddress: '10.0.2.1'
			});
			if (!signIn.ok) throw new Error('expected a session');
			const stored = (await findStaffById(test.db, user.id))!;
			const attempt = { user: stored, sessionId: signIn.session.id, clientAddress: '10.0.2.1' };
			expect(await verifySecondFactor(test.db, { ...attempt, code: first })).toEqual({
				ok: false,
				reason: 'wrong'
			});
			expect(await verifySecondFactor(test.db, { ...attempt, code: codes[2] })).toEqual({
				ok: true,
				usedRecoveryCode: true
			});
		}
	);

	it.skipIf(!available)('never lets the last active admin be demoted or disabled', async () => {
		const { db } = await withoutStaff();
		const add = async (email: string, role: StaffRole) => {
			const created = await createStaffUser(db, { email, role, passwordHash });
			if (!created.ok) throw new Error(created.reason);
			return created.user;
		};
		const first = await add('first@dawatmedia.no', 'admin');
		const second = await add('second@dawatmedia.no', 'admin');
		await add('viewer@dawatmedia.no', 'viewer');
		const demote = (id: string, role: StaffRole) =>
			db.transaction().execute((trx) => setStaffRole(trx, id, role));
		const disable = (id: string) =>
			db.transaction().execute((trx) => setStaffDisabled(trx, id, true));

		expect(await demote(second.id, 'staff')).toMatchObject({ ok: true });
		expect(await demote(first.id, 'viewer')).toEqual({ ok: false, reason: 'last_admin' });
		expect(await disable(first.id)).toEqual({ ok: false, reason: 'last_admin' });
		// Another admin first, then the first may step down.
		expect(await demote(second.id, 'admin')).toMatchObject({ ok: true });
		expect(await disable(first.id)).toMatchObject({ ok: true });
		// A disabled admin does not count: the remaining one is the last.
		expect(await demote(second.id, 'staff')).toEqual({ ok: false, reason: 'last_admin' });
		expect((await findStaffByEmail(db, 'SECOND@dawatmedia.no'))?.role).toBe('admin');
	});

	it.skipIf(!available)(
		'leaves one admin when the last two demote each other at once',
		async () => {
			const { db } = await withoutStaff();
			const a = await createStaffUser(db, {
				email: 'a@dawatmedia.no',
				role: 'admin',
				passwordHash
			});
			const b = await createStaffUser(db, {
				email: 'b@dawatmedia.no',
				role: 'admin',
				passwordHash
			});
			if (!a.ok || !b.ok) throw new Error('setup');
			const results = await Promise.all(
				[a.user.id, b.user.id].map((id) =>
					db.transaction().execute((trx) => setStaffRole(trx, id, 'staff'))
				)
			);
			expect(results.filter((r) => r.ok)).toHaveLength(1);
			const admins = await db
				.selectFrom('staff_user')
				.select('id')
				.where('role', '=', 'admin')
				.execute();
			expect(admins).toHaveLength(1);
		}
	);

	it.skipIf(!available)(
		'creates the first admin with a setup link once, and never once staff exists',
		async () => {
			const { db } = await withoutStaff();
			const now = new Date();
			const token = await createSetupToken(db, now);
			const spare = await createSetupToken(db, now);
			expect(token).toMatch(/^[a-z2-7]{32}$/);
			const stored = await db.selectFrom('staff_setup_token').select('token_hash').execute();
			expect(stored.map((r) => Buffer.from(r.token_hash).toString())).not.toContain(token);
			expect(await isSetupTokenUsable(db, token)).toBe(true);
			expect(await isSetupTokenUsable(db, 'made-up')).toBe(false);

			const details = { email: 'Laila@DawatMedia.no', name: 'Laila Ahmadi', password: PASSWORD };
			expect(await completeSetup(db, { ...details, token })).toMatchObject({
				ok: true,
				user: { role: 'admin', email: 'Laila@DawatMedia.no' }
			});
			expect(await completeSetup(db, { ...details, email: 'again@dawatmedia.no', token })).toEqual({
				ok: false,
				reason: 'token_unusable'
			});
			// Every other link is dead too, and no new one helps while staff exists.
			expect(await isSetupTokenUsable(db, spare)).toBe(false);
			const late = await createSetupToken(db);
			expect(await isSetupTokenUsable(db, late)).toBe(false);
			expect(
				await completeSetup(db, { ...details, email: 'late@dawatmedia.no', token: late })
			).toEqual({ ok: false, reason: 'token_unusable' });
			expect(await db.selectFrom('staff_user').select('email').execute()).toEqual([
				{ email: 'Laila@DawatMedia.no' }
			]);

			// The audit log has the account but never its password hash.
			const audit = await db.selectFrom('audit_log').selectAll().execute();
			expect(audit).toHaveLength(1);
			expect(audit[0]).toMatchObject({ action: 'staff.setup', entity_type: 'staff_user' });
			expect(JSON.stringify(audit[0].after)).not.toMatch(/argon2|password/);
		}
	);

	it.skipIf(!available)('refuses a setup link after 24 hours', async () => {
		const { db } = await withoutStaff();
		const token = await createSetupToken(db, new Date(Date.now() - minutes(24 * 60 + 1)));
		expect(await isSetupTokenUsable(db, token)).toBe(false);
		expect(
			await completeSetup(db, { token, email: 'x@dawatmedia.no', name: 'X', password: PASSWORD })
		).toEqual({ ok: false, reason: 'token_unusable' });
	});
});
