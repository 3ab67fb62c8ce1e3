// Norwegian organisation numbers (organisasjonsnummer): nine digits, the last a modulus 11 check
// digit with the weights 3, 2, 7, 6, 5, 4, 3, 2 (Brønnøysundregistrene). Stored as nine digits,
// written in groups of three.

const weights = [3, 2, 7, 6, 5, 4, 3, 2];

/** The nine digits of what a person typed ("974 760 673", "NO974760673MVA"), or null. */
export function normaliseOrganisationNumber(input: string): string | null {
	const digits = input
		.replace(/^NO/i, '')
		.replace(/MVA$/i, '')
		.replace(/[\s.-]/g, '');
	if (!/^\d{9}$/.test(digits)) return null;
	const sum = weights.reduce((total, weight, i) => total + weight * Number(digits[i]), 0);
	const check = (11 - (sum % 11)) % 11;
	return check !== 10 && check === Number(digits[8]) ? digits : null;
}

/** "974760673" → "974 760 673". */
export function formatOrganisationNumber(digits: string): string {
	return /^\d{9}$/.test(digits) ? digits.replace(/(\d{3})(\d{3})(\d{3})/, '$1 $2 $3') : digits;
}
