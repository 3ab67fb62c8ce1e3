// How a receipt number is shown: the year the gift was received (in Norway) and the number from
// the one receipt sequence, e.g. 2026-000123. The sequence never restarts, so the year only helps
// people read it; the number alone is unique.

const yearInOslo = new Intl.DateTimeFormat('en', { timeZone: 'Europe/Oslo', year: 'numeric' });

export function formatReceiptNumber(receiptNumber: number, receivedAt: Date): string {
	if (!Number.isSafeInteger(receiptNumber) || receiptNumber <= 0)
		throw new RangeError(`not a receipt number: ${receiptNumber}`);
	return `${yearInOslo.format(receivedAt)}-${String(receiptNumber).padStart(6, '0')}`;
}
