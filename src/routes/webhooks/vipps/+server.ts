import { json, text } from '@sveltejs/kit';
import { getDatabase } from '$lib/server/db/instance';
import { getVipps } from '$lib/server/vipps/client';
import { receiveVippsDelivery } from '$lib/server/vipps/delivery';
import type { RequestHandler } from './$types';

// Vipps MobilePay's webhook (registered by `npm run vipps:webhooks` and checked at start).
export const POST: RequestHandler = async ({ request, locals }) => {
	const vipps = getVipps();
	if (!vipps) {
		locals.log.error('Vipps webhook received but the VIPPS_* keys are not set');
		return text('Vipps is not configured', { status: 503 });
	}
	const payload = await request.text();
	try {
		const answer = await receiveVippsDelivery(getDatabase(), vipps, payload, request.headers);
		const log = locals.log.child({ vippsEvent: answer.eventId, status: answer.status });
		if (answer.status >= 500)
			log.error({ err: answer.error }, 'Vipps event failed; Vipps will retry');
		else if (answer.status >= 400)
			log.warn({ reason: answer.body.refused }, 'Vipps webhook refused');
		else log.info({ outcome: answer.body.outcome }, 'Vipps event');
		return json(answer.body, { status: answer.status });
	} catch (error) {
		// The database did not answer (the webhook secrets live there): Vipps delivers again.
		locals.log.error({ err: error }, 'Vipps webhook could not be handled');
		return json({ received: false }, { status: 503 });
	}
};
