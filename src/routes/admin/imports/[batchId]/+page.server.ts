import { error } from '@sveltejs/kit';
import { m } from '$lib/paraglide/messages';
import { requireStaff } from '$lib/server/auth/guard';
import { getDatabase } from '$lib/server/db/instance';
import { findImportBatch } from '$lib/server/imports/batches';
import type { PageServerLoad } from './$types';

const uuidShape = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export const load: PageServerLoad = async (event) => {
	requireStaff(event, 'staff');
	const { batchId } = event.params;
	const batch = uuidShape.test(batchId) ? await findImportBatch(getDatabase(), batchId) : null;
	if (!batch) error(404, m.imports_batch_not_found());
	return { batch };
};
