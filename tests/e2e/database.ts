import pg from 'pg';
import { adminUrl, canReachPostgres, databaseUrl } from '../postgres.ts';

export { adminUrl, canReachPostgres };

// The database the browser tests' server runs on, so tests can check what was (not) written.
export const e2eDatabaseName = `komak_e2e_${process.env.E2E_PORT ?? 4173}`;

export function e2eDatabaseUrl(): string {
	return databaseUrl(e2eDatabaseName);
}

/** How many supporters and contributions exist; null when the server runs on PGlite. */
export async function countRows(): Promise<{ supporters: number; contributions: number } | null> {
	if (!(await canReachPostgres())) return null;
	const client = new pg.Client({ connectionString: e2eDatabaseUrl() });
	await client.connect();
	try {
		const { rows } = await client.query(
			'select (select count(*) from supporter)::int as supporters, (select count(*) from contribution)::int as contributions'
		);
		return rows[0];
	} finally {
		await client.end();
	}
}
