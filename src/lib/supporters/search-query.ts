// What staff type to find someone by a number: "412 34 567", "+47 412 34 567", "1000.0008",
// "0530.22.94668". Numbers are stored as typed; the search text carries the phone's digits alone
// and the KID (migrations/20261206220500_supporter_kid.ts), so a query that is only a number is
// searched as its digits.

/** The digits of a query that is a number in any notation, else null. "+47" and "0047" go. */
export function numberQuery(text: string): string | null {
	const trimmed = text.trim();
	if (!/^\+?[\d\s.()-]+$/.test(trimmed)) return null;
	let digits = trimmed.replace(/\D/g, '');
	if (digits.length < 3) return null;
	if (/^(\+47|0047)/.test(trimmed.replace(/[\s.()-]/g, '')) && digits.length > 8) {
		digits = digits.replace(/^(00)?47/, '');
	}
	return digits;
}
