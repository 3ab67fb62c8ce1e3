import { getVipps } from '$lib/server/vipps/client';
import { isRefundableVippsGift, refundVippsGift } from '$lib/server/vipps/refunds';
import { error, fail, redirect } from '@sveltejs/kit';
import { readGiftEntry } from '$lib/giving/gift-entry';
import { giftErrorTexts } from '$lib/giving/gift-errors';
import { parseAmount, toInputString } from '$lib/money';
import { m } from '$lib/paraglide/messages';
import { hasRole, requireStaff } from '$lib/server/auth/guard';
import { findStaffName } from '$lib/server/auth/staff';
import { getDatabase } from '$lib/server/db/instance';
import { findGift, findGiftSupporter } from '$lib/server/giving/contributions';
import {
	editManualGift,
	isHandRecorded,
	isVoidable,
	voidGift
} from '$lib/server/giving/manual-gifts';
import { refundability, refundCardGift } from '$lib/server/giving/refunds';
import { listEnabledCurrencies } from '$lib/server/organisation/settings';
import { getStripe, isCardPaymentConfigured } from '$lib/server/stripe/client';
import type { Actions, PageServerLoad } from './$types';
import { readForm } from '$lib/server/http/form';

const uuidPattern = /^[0-9a-f-]{36}$/i;
const today = () => new Date().toISOString().slice(0, 10);

async function loadGift(id: string) {
	if (!uuidPattern.test(id)) error(404, 'Not found');
	const gift = await findGift(getDatabase(), id);
	if (!gift) error(404, 'Not found');
	return gift;
}

export const load: PageServerLoad = async (event) => {
	const staff = requireStaff(event, 'viewer');
	const db = getDatabase();
	const gift = await loadGift(event.params.id);
	const [supporter, recordedBy, currencies] = await Promise.all([
		findGiftSupporter(db, gift),
		gift.recorded_by ? findStaffName(db, gift.recorded_by) : undefined,
		listEnabledCurrencies(db)
	]);
	const isEditable = isHandRecorded(gift) && gift.status !== 'voided';
	return {
		gift,
		supporter,
		recordedBy: recordedBy ? recordedBy.name || recordedBy.email : null,
		currencies: currencies.map((c) => c.currency),
		today: today(),
		justRecorded: event.url.searchParams.has('recorded'),
		canEdit: isEditable && hasRole(staff, 'staff'),
		canVoid: isVoidable(gift) && hasRole(staff, 'staff'),
		canRefund:
			refundability(gift, {
				isCardPaymentConfigured: isCardPaymentConfigured(),
				isAdmin: hasRole(staff, 'admin')
			}).refundable ||
			(isRefundableVippsGift(gift) && getVipps() !== null && hasRole(staff, 'admin')),
		editValues: {
			channel: gift.channel,
			receivedOn: gift.received_at.toISOString().slice(0, 10),
			amount: toInputString(gift.amount_minor, gift.currency),
			currency: gift.currency,
			reference: gift.external_reference ?? '',
			note: gift.note
		}
	};
};

const context = (event: { locals: App.Locals }, staffUserId: string) => ({
	staffUserId,
	requestId: event.locals.requestId
});

export const actions = {
	edit: async (event) => {
		const staff = requireStaff(event, 'staff');
		const gift = await loadGift(event.params.id);
		const form = await readForm(event.request);
		form.set('supporterId', gift.supporter_id);
		const result = readGiftEntry(form, {
			today: today(),
			requireReason: true,
			locale: event.locals.locale
		});
		if (!result.ok) {
			return fail(400, { edit: { values: result.values, errors: giftErrorTexts(result.errors) } });
		}
		const outcome = await editManualGift(
			getDatabase(),
			gift.id,
			result.gift,
			context(event, staff.id)
		);
		if (!outcome.ok) {
			const errors =
				outcome.reason === 'already_recorded'
					? { reference: m.admin_gift_error_already_recorded() }
					: { reason: m.admin_gift_error_not_editable() };
			return fail(400, { edit: { values: result.values, errors } });
		}
		redirect(303, `/admin/contributions/${gift.id}`);
	},

	void: async (event) => {
		const staff = requireStaff(event, 'staff');
		const gift = await loadGift(event.params.id);
		const reason = String((await readForm(event.request)).get('reason') ?? '').trim();
		if (!reason || reason.length > 500) {
			return fail(400, {
				void: {
					reason,
					error: reason ? m.admin_gift_error_too_long() : m.admin_gift_error_reason_required()
				}
			});
		}
		const outcome = await voidGift(getDatabase(), gift.id, reason, context(event, staff.id));
		if (!outcome.ok) {
			return fail(400, { void: { reason, error: m.admin_gift_error_not_editable() } });
		}
		redirect(303, `/admin/contributions/${gift.id}`);
	},

	refund: async (event) => {
		const staff = requireStaff(event, 'admin');
		const gift = await loadGift(event.params.id);
		const form = await readForm(event.request);
		const amountText = String(form.get('amount') ?? '').trim();
		const isConfirmed = form.get('confirm') === 'yes';
		const fields = { amount: amountText };
		const vipps = gift.channel === 'vipps' ? getVipps() : null;
		if (!vipps && !isCardPaymentConfigured()) {
			return fail(400, { refund: { ...fields, error: m.admin_refund_error_stripe_off() } });
		}
		let amountMinor: number | null = null;
		if (amountText) {
			const parsed = parseAmount(amountText, gift.currency, event.locals.locale);
			if (!parsed.ok || parsed.amountMinor <= 0) {
				return fail(400, { refund: { ...fields, error: m.admin_gift_error_not_a_number() } });
			}
			amountMinor = parsed.amountMinor;
		}
		if (!isConfirmed) {
			return fail(400, { refund: { ...fields, error: m.admin_refund_error_confirm() } });
		}
		const outcome = vipps
			? await refundVippsGift(getDatabase(), vipps, gift.id, amountMinor, context(event, staff.id))
			: await refundCardGift(
					getDatabase(),
					await getStripe(),
					gift.id,
					amountMinor,
					context(event, staff.id)
				);
		if (!outcome.ok) {
			event.locals.log.warn({ outcome, contribution: gift.id }, 'refund refused');
			const message =
				outcome.reason === 'too_much'
					? m.admin_refund_error_too_much()
					: outcome.reason === 'vipps_error'
						? m.admin_refund_error_vipps({ message: outcome.message ?? '' })
						: outcome.reason === 'stripe_error'
							? m.admin_refund_error_stripe({ message: outcome.message ?? '' })
							: m.admin_refund_error_not_refundable();
			return fail(400, { refund: { ...fields, error: message } });
		}
		redirect(303, `/admin/contributions/${gift.id}?refunded=1`);
	}
} satisfies Actions;
