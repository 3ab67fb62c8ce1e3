// Vipps settlement reports (oppgjørsrapporter) as CSV. Three layouts are known (see
// docs/imports.md for the sources):
//  - the portal's flat report with Norwegian headers: Salgsdato, Salgssted, Vippsnummer, Produkt,
//    Transaksjons-ID, Ordre-ID, Brutto, Gebyr, Netto, Transaksjonstype, Oppgjørs-ID, Oppgjørsdato,
//    Oppgjørssum, Oppgjørskonto, Fornavn, Etternavn, Melding (or the same in English);
//  - the sectioned report whose rows start with a record type (SettlementInfo, FeeInfo,
//    TransactionInfo); only TransactionInfo rows are gifts: SalesDate, TransactionId, OrderID,
//    Gross, Currency, Fee, Refund, Net;
//  - Vipps MobilePay's newer details report: Tidspunkt/Time, Bokføringsdato/Booking date, Type,
//    Beløp/Amount, Kundens navn/Customer name, Melding/Message, PSP-referanse/PSP reference.
// Columns are found by name, never by position.
import { readCsvTable } from './csv-table.ts';
import {
	cleanText,
	countSkip,
	parseBookingDate,
	parseExportAmount,
	readCurrency,
	type ImportRow,
	type MalformedReason,
	type ParsedImport
} from './import-row.ts';

type VippsField =
	| 'date'
	| 'transactionId'
	| 'orderId'
	| 'gross'
	| 'fee'
	| 'net'
	| 'type'
	| 'currency'
	| 'firstName'
	| 'lastName'
	| 'name'
	| 'message';

// Header names with case, spaces, hyphens and underscores removed. The sale's own time comes
// before the settlement's or booking's date: a gift is dated when the supporter gave it.
const vippsAliases: Record<VippsField, string[]> = {
	date: [
		'salgsdato',
		'salesdate',
		'tidspunkt',
		'time',
		'transaksjonsdato',
		'transactiondate',
		'bokføringsdato',
		'bookingdate',
		'dato',
		'date'
	],
	transactionId: ['transaksjonsid', 'transactionid', 'pspreferanse', 'pspreference'],
	orderId: ['ordreid', 'orderid'],
	gross: ['brutto', 'gross', 'grossamount', 'beløp', 'amount'],
	fee: ['gebyr', 'fee', 'fees'],
	net: ['netto', 'net', 'netamount'],
	type: ['transaksjonstype', 'transactiontype', 'type'],
	currency: ['valuta', 'currency'],
	firstName: ['fornavn', 'firstname'],
	lastName: ['etternavn', 'lastname'],
	name: ['kundensnavn', 'customername', 'navn', 'name'],
	message: ['melding', 'message', 'transaksjonstekst', 'transactiontext']
};

/** The references Komak gives Vipps payments (src/lib/server/vipps/payments.ts). */
const komakPaymentReference =
	/^komak-[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

// A payment into the sales unit; refunds, fee lines and the like are not gifts.
const saleTypes = new Set(['salg', 'sale', 'capture', 'belastning', 'betaling', 'payment']);

const normalise = (cell: string) =>
	cell
		.replace(/^\uFEFF/, '')
		.trim()
		.toLowerCase()
		.replace(/[\s_-]+/g, '');

type Columns = Partial<Record<VippsField, number>>;

function findColumns(cells: string[]): Columns {
	const header = cells.map(normalise);
	const columns: Columns = {};
	for (const field of Object.keys(vippsAliases) as VippsField[]) {
		for (const alias of vippsAliases[field]) {
			const index = header.indexOf(alias);
			if (index >= 0 && !Object.values(columns).includes(index)) {
				columns[field] = index;
				break;
			}
		}
	}
	return columns;
}

const isTransactionSection = (cells: string[]) => normalise(cells[0] ?? '') === 'transactioninfo';

export function parseVippsCsv(content: string): ParsedImport {
	const result: ParsedImport = { rows: [], malformed: [], skipped: {}, fileError: null };
	const table = readCsvTable(content);
	if (!table) return { ...result, fileError: { reason: content.trim() ? 'no_columns' : 'empty' } };

	const headerIndex = table.records.slice(0, 20).findIndex(({ cells }) => {
		const columns = findColumns(cells);
		return (
			columns.date !== undefined &&
			columns.transactionId !== undefined &&
			columns.gross !== undefined
		);
	});
	if (headerIndex < 0) return { ...result, fileError: { reason: 'vipps_columns_missing' } };
	const headerCells = table.records[headerIndex].cells;
	const columns = findColumns(headerCells);
	const isSectioned = isTransactionSection(headerCells);
	const headerKey = headerCells.map(normalise).join('|');

	for (const { line, cells } of table.records.slice(headerIndex + 1)) {
		// The sectioned report repeats its headers and mixes in other record types.
		if (
			isSectioned &&
			(!isTransactionSection(cells) || cells.map(normalise).join('|') === headerKey)
		)
			continue;
		const at = (field: VippsField) => {
			const index = columns[field];
			return index === undefined ? '' : (cells[index] ?? '').trim();
		};
		const malformed = (reason: MalformedReason) => result.malformed.push({ line, reason });

		const type = normalise(at('type'));
		if (columns.type !== undefined && !saleTypes.has(type)) {
			countSkip(result.skipped, 'not_a_sale');
			continue;
		}
		const currency = readCurrency(at('currency'), 'NOK');
		if (!currency) {
			malformed('unknown_currency');
			continue;
		}
		if (!at('gross')) {
			malformed('missing_amount');
			continue;
		}
		const amountMinor = parseExportAmount(at('gross'), currency);
		if (amountMinor === null) {
			malformed('bad_amount');
			continue;
		}
		if (amountMinor <= 0) {
			countSkip(result.skipped, 'not_a_sale');
			continue;
		}
		if (!at('date')) {
			malformed('missing_date');
			continue;
		}
		const bookedOn = parseBookingDate(at('date'));
		if (!bookedOn) {
			malformed('bad_date');
			continue;
		}
		// A gift given through the appeal's Vipps button is already recorded under the reference
		// Komak gave the payment, which the report names as its order id: the same key, so the
		// import adds only what the gift lacked (Vipps's fee) and never counts it twice.
		const orderId = at('orderId').trim();
		const transactionReference = cleanText(
			komakPaymentReference.test(orderId) ? orderId : at('transactionId'),
			200
		);
		if (!transactionReference) {
			malformed('missing_reference');
			continue;
		}
		// Fees are written as negative amounts in some reports, positive in others.
		let feeMinor: number | null = null;
		if (at('fee')) {
			const fee = parseExportAmount(at('fee'), currency);
			if (fee === null) {
				malformed('bad_fee');
				continue;
			}
			feeMinor = Math.abs(fee);
		}
		let netMinor: number | null = null;
		if (at('net')) {
			netMinor = parseExportAmount(at('net'), currency);
			if (netMinor === null) {
				malformed('bad_fee');
				continue;
			}
		} else if (feeMinor !== null) {
			netMinor = amountMinor - feeMinor;
		}
		const fullName = [at('firstName'), at('lastName')].filter(Boolean).join(' ');
		result.rows.push({
			line,
			bookedOn,
			amountMinor,
			currency,
			transactionReference,
			payerName: cleanText(fullName || at('name'), 200),
			email: null,
			phone: null,
			message: cleanText(at('message')),
			kid: null,
			feeMinor,
			netMinor,
			account: null
		} satisfies ImportRow);
	}
	return result;
}
