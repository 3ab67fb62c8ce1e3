import { readdir } from 'node:fs/promises';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import {
	Migrator,
	type Migration,
	type MigrationProvider,
	type MigrationResult
} from 'kysely/migration';
import type { Kysely } from 'kysely';
import { config } from '../config.ts';

/** Reads `migrations/*.ts` (or `.js`) at run time, so the built server and the scripts share them. */
function directoryMigrationProvider(folder: string): MigrationProvider {
	return { getMigrations: () => readMigrations(folder) };
}

// A migration's file is imported only when it runs: a start with nothing to apply (every restart)
// lists the names and loads no migration code, which took ~20 MB of the server's memory.
async function readMigrations(folder: string): Promise<Record<string, Migration>> {
	const files = (await readdir(folder)).filter(
		(file) => /\.(ts|js)$/.test(file) && !file.endsWith('.d.ts') && !file.includes('.test.')
	);
	const migrations: Record<string, Migration> = {};
	for (const file of files.sort()) {
		const url = pathToFileURL(path.join(folder, file)).href;
		const load = () => import(/* @vite-ignore */ url) as Promise<Migration>;
		migrations[file.replace(/\.(ts|js)$/, '')] = {
			up: async (db) => (await load()).up(db),
			down: async (db) => (await load()).down?.(db)
		};
	}
	return migrations;
}

export function migrationsFolder(): string {
	return path.resolve(config().KOMAK_MIGRATIONS_DIR);
}

/** Brings the schema to the newest migration; throws (and changes nothing more) on failure. */
export async function migrateToLatest(
	// eslint-disable-next-line @typescript-eslint/no-explicit-any
	db: Kysely<any>,
	folder = migrationsFolder()
): Promise<MigrationResult[]> {
	const migrator = new Migrator({ db, provider: directoryMigrationProvider(folder) });
	const { error, results } = await migrator.migrateToLatest();
	if (error) throw error instanceof Error ? error : new Error(String(error));
	return results ?? [];
}
