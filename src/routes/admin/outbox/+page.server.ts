import { requireStaff } from '$lib/server/auth/guard';
import { getDatabase } from '$lib/server/db/instance';
import { listOutbox } from '$lib/server/mail/outbox-admin';
import { hasMailServer } from '$lib/server/mail/worker';
import type { PageServerLoad } from './$types';

export const load: PageServerLoad = async (event) => {
	requireStaff(event, 'admin');
	const cursor = event.url.searchParams.get('before');
	const page = await listOutbox(getDatabase(), { cursor });
	return { ...page, isFirstPage: !cursor, hasMailServer: hasMailServer() };
};
