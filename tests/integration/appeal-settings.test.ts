import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDatabase } from '../../src/lib/server/db/connection.ts';
import { migrateToLatest } from '../../src/lib/server/db/migrate.ts';
import {
	getAppealSettings,
	loadSettings,
	saveSettings
} from '../../src/lib/server/organisation/settings.ts';
import { engines, type TestDatabase } from './databases.ts';

const wait = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function renameOrganisation(test: TestDatabase, name: string) {
	const staff = await test.db
		.insertInto('staff_user')
		.values({
			email: `settings-${Date.now().toString(36)}-${Math.random()}@dawatmedia.no`,
			name: 'Farida Staff',
			password_hash: 'not-a-real-hash',
			role: 'admin'
		})
		.returning('id')
		.executeTakeFirstOrThrow();
	const settings = await loadSettings(test.db);
	await saveSettings(test.db, { ...settings, name }, { staffUserId: staff.id, requestId: 'test' });
}

for (const engine of engines) {
	describe.skipIf(!engine.available)(`the appeal's settings from memory (${engine.name})`, () => {
		let test: TestDatabase & { url?: string };
		beforeAll(async () => {
			test = await engine.create();
			await migrateToLatest(test.db);
		});
		afterAll(() => test?.drop());

		it('reads the database once, and shows a save on this instance at once', async () => {
			const first = await getAppealSettings(test.db);
			expect(await getAppealSettings(test.db)).toBe(first);
			expect(first.currencies.map((c) => c.currency)).toContain('NOK');
			await renameOrganisation(test, 'Dawat Media Center AS');
			expect((await getAppealSettings(test.db)).organisation.name).toBe('Dawat Media Center AS');
		});

		it.skipIf(engine.name !== 'PostgreSQL')(
			'shows a save made by another instance within about a second',
			async () => {
				const other = createDatabase({ databaseUrl: test.url!, poolSize: 1 });
				try {
					expect((await getAppealSettings(other)).organisation.name).toBe('Dawat Media Center AS');
					await renameOrganisation(test, 'Dawat Media');
					expect((await getAppealSettings(other)).organisation.name).toBe('Dawat Media Center AS');
					await wait(1100);
					// This visit starts the look at the version; the next ones see the new name.
					await getAppealSettings(other);
					await wait(100);
					expect((await getAppealSettings(other)).organisation.name).toBe('Dawat Media');
				} finally {
					await other.destroy();
				}
			}
		);
	});
}
