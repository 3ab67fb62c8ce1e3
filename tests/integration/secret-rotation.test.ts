import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { promisify } from 'node:util';
import { encodeBase32UpperCaseNoPadding } from '@oslojs/encoding';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openWithKey, sealWithKey } from '../../src/lib/server/auth/secret-box.ts';
import { resealAllSecrets } from '../../src/lib/server/auth/secret-rotation.ts';
import { createStaffUser } from '../../src/lib/server/auth/staff.ts';
import { readTotpKey } from '../../src/lib/server/auth/totp.ts';
import { migrateToLatest } from '../../src/lib/server/db/migrate.ts';
import { openTaxIdentifier } from '../../src/lib/server/self-service/tax-identity.ts';
import {
	createPostgresTestDatabase,
	engines,
	postgresAvailable,
	type TestDatabase
} from './databases.ts';

// Rotating the secret key: the app opens what the old key sealed while both are configured, and
// after `npm run secrets:rotate` everything opens with the new key alone.

const oldKey = randomBytes(32);
const newKey = randomBytes(32);
// The app's own key loading, as a deployment mid-rotation configures it (test keys).
process.env.KOMAK_SECRET_KEY = newKey.toString('base64');
process.env.KOMAK_OLD_SECRET_KEYS = oldKey.toString('base64');

const TAX_NUMBER = '01019012345';
const totpKey = randomBytes(20);

/** A staff account with two-factor on and a supporter with a tax number, sealed with `key`. */
async function sealedWith(db: TestDatabase['db'], key: Uint8Array) {
	const created = await createStaffUser(db, {
		email: `rotate-${randomBytes(4).toString('hex')}@example.org`,
		role: 'admin',
		passwordHash: 'not used'
	});
	if (!created.ok) throw new Error('no staff account');
	const staffId = created.user.id;
	const totpSealed = sealWithKey(
		key,
		encodeBase32UpperCaseNoPadding(totpKey),
		`staff_user:${staffId}:totp`
	);
	await db
		.updateTable('staff_user')
		.set({ totp_secret_encrypted: totpSealed, totp_enabled_at: new Date() })
		.where('id', '=', staffId)
		.execute();
	const supporter = await db
		.insertInto('supporter')
		.values({ name: 'Laila Ahmadi', email: `laila-${staffId}@example.org` })
		.returning('id')
		.executeTakeFirstOrThrow();
	await db
		.insertInto('supporter_tax_identity')
		.values({
			supporter_id: supporter.id,
			kind: 'fnr',
			identifier_sealed: sealWithKey(key, TAX_NUMBER, `tax-identity:${supporter.id}`),
			last_digits: '45'
		})
		.execute();
	return { staffId, supporterId: supporter.id };
}

async function sealedValues(db: TestDatabase['db'], staffId: string, supporterId: string) {
	const staff = await db
		.selectFrom('staff_user')
		.select(['id', 'totp_secret_encrypted'])
		.where('id', '=', staffId)
		.executeTakeFirstOrThrow();
	const tax = await db
		.selectFrom('supporter_tax_identity')
		.select(['supporter_id', 'identifier_sealed'])
		.where('supporter_id', '=', supporterId)
		.executeTakeFirstOrThrow();
	return { staff, tax };
}

describe.each(engines)('rotating the secret key on $name', ({ create, available }) => {
	let test: TestDatabase;

	beforeAll(async () => {
		if (!available) return;
		test = await create();
		await migrateToLatest(test.db);
	});
	afterAll(async () => {
		await test?.drop();
	});

	it.skipIf(!available)(
		'opens what the old key sealed, and after rotation the new key alone opens everything',
		async () => {
			const { staffId, supporterId } = await sealedWith(test.db, oldKey);
			const before = await sealedValues(test.db, staffId, supporterId);
			// Mid-rotation, the app reads both through KOMAK_OLD_SECRET_KEYS.
			expect(Buffer.from(readTotpKey(before.staff)!)).toEqual(totpKey);
			expect(openTaxIdentifier(before.tax)).toBe(TAX_NUMBER);

			const report = await resealAllSecrets(test.db, { current: newKey, old: [oldKey] });
			expect(report).toEqual({
				totpKeys: { resealed: 1, unchanged: 0, unreadable: [] },
				taxIdentifiers: { resealed: 1, unchanged: 0, unreadable: [] },
				vippsWebhookSecrets: { resealed: 0, unchanged: 0, unreadable: [] }
			});

			const after = await sealedValues(test.db, staffId, supporterId);
			expect(
				openWithKey(newKey, after.staff.totp_secret_encrypted!, `staff_user:${staffId}:totp`)
			).toBe(encodeBase32UpperCaseNoPadding(totpKey));
			expect(openWithKey(newKey, after.tax.identifier_sealed, `tax-identity:${supporterId}`)).toBe(
				TAX_NUMBER
			);
			expect(() =>
				openWithKey(oldKey, after.tax.identifier_sealed, `tax-identity:${supporterId}`)
			).toThrow();
			const audit = await test.db
				.selectFrom('audit_log')
				.select('action')
				.where('action', '=', 'secrets.rotate')
				.execute();
			expect(audit).toHaveLength(1);

			// Again: nothing left under an old key.
			expect(await resealAllSecrets(test.db, { current: newKey, old: [oldKey] })).toEqual({
				totpKeys: { resealed: 0, unchanged: 1, unreadable: [] },
				taxIdentifiers: { resealed: 0, unchanged: 1, unreadable: [] },
				vippsWebhookSecrets: { resealed: 0, unchanged: 0, unreadable: [] }
			});
		}
	);
});

describe.skipIf(!postgresAvailable)('npm run secrets:rotate', () => {
	let test: Awaited<ReturnType<typeof createPostgresTestDatabase>>;

	beforeAll(async () => {
		test = await createPostgresTestDatabase();
		await migrateToLatest(test.db);
	});
	afterAll(async () => {
		await test?.drop();
	});

	it('seals everything with KOMAK_SECRET_KEY, opening it with KOMAK_OLD_SECRET_KEYS, and says how many', async () => {
		const { staffId, supporterId } = await sealedWith(test.db, oldKey);
		const { stdout } = await promisify(execFile)(
			process.execPath,
			[path.resolve('scripts/secrets-rotate.ts')],
			{
				env: {
					PATH: process.env.PATH,
					DATABASE_URL: test.url,
					KOMAK_SECRET_KEY: newKey.toString('base64'),
					KOMAK_OLD_SECRET_KEYS: oldKey.toString('base64'),
					LOG_LEVEL: 'warn'
				},
				timeout: 60_000
			}
		);
		expect(stdout).toContain('staff two-factor keys: 1 sealed again with the current key');
		expect(stdout).toContain("supporters' tax numbers: 1 sealed again with the current key");
		expect(stdout).toContain('KOMAK_OLD_SECRET_KEYS can be removed');
		const after = await sealedValues(test.db, staffId, supporterId);
		expect(openWithKey(newKey, after.tax.identifier_sealed, `tax-identity:${supporterId}`)).toBe(
			TAX_NUMBER
		);
		expect(
			openWithKey(newKey, after.staff.totp_secret_encrypted!, `staff_user:${staffId}:totp`)
		).toBe(encodeBase32UpperCaseNoPadding(totpKey));
	});
});
