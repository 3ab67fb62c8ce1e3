// One identity per bank transaction, whichever file it came in. A camt.053 statement names each
// entry by the bank's archive reference; DNB's CSV export names none, so the two never met and
// the same transfer was counted twice. Every bank row therefore also gets this key:
//
//   bank:<account digits>|<booking date>|<amount in minor units>|<currency>|<n>
//
// where the account is the statement's (camt.053) or the organisation's (a CSV export has none),
// and n counts the transfers of the same account, day, amount and currency in the file's order —
// so two gifts of NOK 250 on one day stay two, in either format. The payer's name is left out on
// purpose: DNB's text column spells it differently from camt.053's Dbtr ("Giro 1004217 Laila
// Ahmadi" against "LAILA AHMADI"), and a key that misses is a gift counted twice. The price: two
// same-day transfers of the same amount may pair with each other's supporter across formats, which
// staff see in the preview; the count is always right.
// The database keeps the key unique (contribution.bank_transaction_key).

export interface KeyedBankRow {
	bookedOn: string;
	amountMinor: number;
	currency: string;
	/** The account the statement is for, when the file says. */
	account: string | null;
}

/**
 * A Norwegian account as digits: "0530.22.94668", "0530 22 94668" and the IBAN
 * "NO15 0530 2294 668" all give "05302294668". Other IBANs keep their letters, upper-cased.
 */
export function accountKey(account: string | null | undefined): string {
	const compact = (account ?? '').replace(/[\s.-]/g, '').toUpperCase();
	if (/^NO\d{13}$/.test(compact)) return compact.slice(4);
	return compact;
}

/** Each row's key, in the order given; `defaultAccount` stands in for a file that names none. */
export function bankTransactionKeys(rows: KeyedBankRow[], defaultAccount: string): string[] {
	const occurrences = new Map<string, number>();
	return rows.map((row) => {
		const account = accountKey(row.account ?? defaultAccount) || '?';
		const base = `bank:${account}|${row.bookedOn}|${row.amountMinor}|${row.currency}`;
		const occurrence = (occurrences.get(base) ?? 0) + 1;
		occurrences.set(base, occurrence);
		return `${base}|${occurrence}`;
	});
}
