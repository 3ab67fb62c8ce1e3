import pg from 'pg';

// The PostgreSQL server the tests may use: TEST_DATABASE_URL names a login that can create and
// drop databases (CI's own local server by default).
export const adminUrl =
	process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

/** The URL of another database on the same server. */
export function databaseUrl(name: string): string {
	const url = new URL(adminUrl);
	url.pathname = `/${name}`;
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

/** Runs one statement (create or drop a database, say) as the admin login. */
export async function runAsAdmin(statement: string): Promise<void> {
	const client = new pg.Client({ connectionString: adminUrl });
	await client.connect();
	try {
		await client.query(statement);
	} finally {
		await client.end();
	}
}
