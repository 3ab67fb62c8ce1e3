import { json, text } from '@sveltejs/kit';
import { getDatabase } from '$lib/server/db/instance';
import { getVipps } from '$lib/server/vipps/client';
import { receiveVippsDelivery } from '$lib/server/vipps/delivery';
import { wakeVippsEventApplier } from '$lib/server/vipps/start';
import type { RequestHandler } from './$types';

// Vipps MobilePay's webhook (registered by `npm run vipps:webhooks` and checked at start): it
// stores the verified event and answers; this instance's event worker applies it right after.
export const POST: RequestHandler = async ({ request, locals }) => {
	if (!getVipps()) {
		locals.log.error('Vipps webhook received but the VIPPS_* keys are not set');
		return text('Vipps is not configured', { status: 503 });
	}
	const payload = await request.text();
	try {
		const answer = await receiveVippsDelivery(getDatabase(), payload, request.headers);
		if (answer.body.outcome === 'stored') wakeVippsEventApplier();
		if (answer.status >= 400)
			locals.log.warn(
				{ status: answer.status, reason: answer.body.refused },
				'Vipps webhook refused'
			);
		else
			locals.log.info({ vippsEvent: answer.eventId, outcome: answer.body.outcome }, 'Vipps event');
		return json(answer.body, { status: answer.status });
	} catch (error) {
		// The database did not answer, so the event is not stored: Vipps delivers it again.
		locals.log.error({ err: error }, 'Vipps webhook could not be handled');
		return json({ received: false }, { status: 503 });
	}
};
