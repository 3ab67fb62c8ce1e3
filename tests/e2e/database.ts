import pg from 'pg';

// The database the browser tests' server runs on, so tests can check what was (not) written.
export const adminUrl =
	process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

export const e2eDatabaseName = `komak_e2e_${process.env.E2E_PORT ?? 4173}`;

export function e2eDatabaseUrl(): string {
	const url = new URL(adminUrl);
	url.pathname = `/${e2eDatabaseName}`;
	return url.toString();
}

export async function canReachPostgres(): Promise<boolean> {
	const client = new pg.Client({ connectionString: adminUrl, connectionTimeoutMillis: 2000 });
	try {
		await client.connect();
		return true;
	} catch {
		return false;
	} finally {
		await client.end().catch(() => {});
	}
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
