import { organisationYear } from '../dates.ts';

// How a receipt number is shown: the year the gift was received (in the organisation's time zone) and the number from
// the one receipt sequence, e.g. 2026-000123. The sequence never restarts, so the year only helps
// people read it; the number alone is unique.

export function formatReceiptNumber(receiptNumber: number, receivedAt: Date): string {
	if (!Number.isSafeInteger(receiptNumber) || receiptNumber <= 0)
		throw new RangeError(`not a receipt number: ${receiptNumber}`);
	return `${organisationYear(receivedAt)}-${String(receiptNumber).padStart(6, '0')}`;
}
