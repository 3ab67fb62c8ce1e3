import { json } from '@sveltejs/kit';
import { sql } from 'kysely';
import { getDatabase } from '$lib/server/db/instance';
import type { RequestHandler } from './$types';

const TIMEOUT_MS = 2000;

export const GET: RequestHandler = async ({ locals }) => {
	try {
		await Promise.race([
			sql`select 1`.execute(getDatabase()),
			new Promise((_, reject) =>
				setTimeout(() => reject(new Error('timed out')), TIMEOUT_MS).unref()
			)
		]);
		return json(
			{ status: 'ok', database: 'reachable' },
			{ headers: { 'cache-control': 'no-store' } }
		);
	} catch (err) {
		locals.log.error({ err }, 'health check failed');
		return json(
			{ status: 'unavailable', database: 'unreachable' },
			{ status: 503, headers: { 'cache-control': 'no-store' } }
		);
	}
};
