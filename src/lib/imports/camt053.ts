// ISO 20022 bank-to-customer statements (camt.053, BkToCstmrStmt), as DNB and other banks send
// them: versions 001.02 (the Norwegian banks' long-time default) to 001.08 and later, whose
// differences that matter here are `Sts` becoming `Sts/Cd`, `Dbtr/Nm` becoming `Dbtr/Pty/Nm`,
// and a transaction amount allowed directly under TxDtls.
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import {
	cleanText,
	countSkip,
	parseBookingDate,
	parseDecimalAmount,
	readCurrency,
	readEmail,
	readKid,
	type ImportRow,
	type MalformedReason,
	type ParsedImport
} from './import-row.ts';

type XmlNode = Record<string, unknown>;

const repeatable = new Set(['Stmt', 'Ntry', 'NtryDtls', 'TxDtls', 'Ustrd', 'Strd']);

const parser = new XMLParser({
	ignoreAttributes: false,
	attributeNamePrefix: '@',
	removeNSPrefix: true,
	// Every value stays the text it was: amounts are parsed exactly, KIDs keep their leading zeros.
	parseTagValue: false,
	parseAttributeValue: false,
	trimValues: true,
	isArray: (name) => repeatable.has(name)
});

function child(node: unknown, ...path: string[]): unknown {
	let current = node;
	for (const key of path) {
		if (current === null || typeof current !== 'object') return undefined;
		current = (current as XmlNode)[key];
	}
	return current;
}

function list(node: unknown, ...path: string[]): unknown[] {
	const value = child(node, ...path);
	return Array.isArray(value) ? value : value === undefined ? [] : [value];
}

/** The text of an element, whether it also has attributes (`{ '#text', '@Ccy' }`) or not. */
function textOf(value: unknown): string {
	if (typeof value === 'string') return value.trim();
	if (value && typeof value === 'object' && typeof (value as XmlNode)['#text'] === 'string') {
		return ((value as XmlNode)['#text'] as string).trim();
	}
	return '';
}

const text = (node: unknown, ...path: string[]) => textOf(child(node, ...path));

const firstText = (node: unknown, paths: string[][]) => {
	for (const path of paths) {
		const value = text(node, ...path);
		if (value) return value;
	}
	return '';
};

/**
 * The line each `<Ntry>` and `<TxDtls>` starts on, in document order, which is the order the
 * parsed tree is walked in. fast-xml-parser keeps no positions, so the text is scanned for the
 * opening tags (comments and CDATA blanked first, keeping their line breaks).
 */
function elementLines(xml: string, name: string): number[] {
	const blanked = xml.replace(/<!--[\s\S]*?-->|<!\[CDATA\[[\s\S]*?\]\]>/g, (hidden) =>
		hidden.replace(/[^\n]/g, ' ')
	);
	const pattern = new RegExp(`<(?:[\\w.-]+:)?${name}[\\s/>]`, 'g');
	const lines: number[] = [];
	let line = 1;
	let position = 0;
	for (const match of blanked.matchAll(pattern)) {
		for (; position < match.index; position++) if (blanked[position] === '\n') line++;
		lines.push(line);
	}
	return lines;
}

function statementAccount(statement: unknown): string {
	return cleanText(
		firstText(statement, [
			['Acct', 'Id', 'IBAN'],
			['Acct', 'Id', 'Othr', 'Id']
		]).replace(/\s+/g, ''),
		64
	);
}

const isUsableId = (id: string) => id !== '' && id.toUpperCase() !== 'NOTPROVIDED';

function payer(transaction: unknown) {
	const party = (role: string) => {
		const base = ['RltdPties', role];
		return {
			name: firstText(transaction, [
				[...base, 'Pty', 'Nm'],
				[...base, 'Nm']
			]),
			email: firstText(transaction, [
				[...base, 'Pty', 'CtctDtls', 'EmailAdr'],
				[...base, 'CtctDtls', 'EmailAdr']
			]),
			phone: firstText(transaction, [
				[...base, 'Pty', 'CtctDtls', 'MobNb'],
				[...base, 'Pty', 'CtctDtls', 'PhneNb'],
				[...base, 'CtctDtls', 'MobNb'],
				[...base, 'CtctDtls', 'PhneNb']
			])
		};
	};
	const debtor = party('Dbtr');
	const ultimate = party('UltmtDbtr');
	return {
		name: debtor.name || ultimate.name,
		email: debtor.email || ultimate.email,
		phone: debtor.phone || ultimate.phone
	};
}

function remittance(entry: unknown, transaction: unknown) {
	const unstructured = list(transaction, 'RmtInf', 'Ustrd').map(textOf).join(' ');
	const kid = list(transaction, 'RmtInf', 'Strd')
		.map((structured) => text(structured, 'CdtrRefInf', 'Ref'))
		.find((ref) => ref !== '');
	const message = unstructured || text(transaction, 'AddtlTxInf') || text(entry, 'AddtlNtryInf');
	return { message: cleanText(message), kid: readKid(kid) };
}

/** A camt.053 statement is about a dozen levels deep; anything past this is not one. */
export const MAX_XML_DEPTH = 64;

/** Whether elements open more than `limit` deep, by counting tags (no parser, no recursion). */
export function isNestedDeeperThan(xml: string, limit: number): boolean {
	let depth = 0;
	for (const tag of xml.matchAll(/<([/?!]?)[^>]*?(\/?)>/g)) {
		if (tag[1] === '/') depth--;
		else if (tag[1] === '' && tag[2] === '' && ++depth > limit) return true;
	}
	return false;
}

export function parseCamt053(xml: string): ParsedImport {
	const result: ParsedImport = { rows: [], malformed: [], skipped: {}, fileError: null };
	const content = xml.replace(/^\uFEFF/, '');
	if (!content.trim()) return { ...result, fileError: { reason: 'empty' } };
	// Bank statements never declare a DTD; refusing one rules out entity expansion tricks.
	if (/<!DOCTYPE/i.test(content))
		return { ...result, fileError: { reason: 'doctype_not_allowed' } };
	// The parsers recurse once per level: a file nested 200,000 deep would overflow the stack.
	if (isNestedDeeperThan(content, MAX_XML_DEPTH))
		return { ...result, fileError: { reason: 'too_deep' } };
	const validation = XMLValidator.validate(content);
	if (validation !== true) {
		return { ...result, fileError: { reason: 'not_xml', line: validation.err.line } };
	}
	const report = child(parser.parse(content), 'Document', 'BkToCstmrStmt');
	if (!report) return { ...result, fileError: { reason: 'not_camt053' } };
	const statements = list(report, 'Stmt');

	const entryLines = elementLines(content, 'Ntry');
	const transactionLines = elementLines(content, 'TxDtls');
	let entryIndex = 0;
	let transactionIndex = 0;

	for (const statement of statements) {
		const account = statementAccount(statement) || 'account';
		for (const entry of list(statement, 'Ntry')) {
			const entryLine = entryLines[entryIndex++] ?? 1;
			const transactions = list(entry, 'NtryDtls').flatMap((details) => list(details, 'TxDtls'));
			const firstTransactionIndex = transactionIndex;
			transactionIndex += transactions.length;

			const status = text(entry, 'Sts', 'Cd') || text(entry, 'Sts');
			if (text(entry, 'CdtDbtInd') !== 'CRDT') {
				countSkip(result.skipped, 'outgoing');
				continue;
			}
			if (status !== 'BOOK') {
				countSkip(result.skipped, 'not_booked');
				continue;
			}
			if (text(entry, 'RvslInd') === 'true') {
				countSkip(result.skipped, 'reversal');
				continue;
			}

			const bookingDateText =
				text(entry, 'BookgDt', 'Dt') || text(entry, 'BookgDt', 'DtTm').slice(0, 10);
			const entryReference = text(entry, 'AcctSvcrRef');
			const isBatch = transactions.length > 1;
			// An entry without details is one gift on its own.
			const parts = transactions.length > 0 ? transactions : [{}];

			parts.forEach((transaction, position) => {
				const line = isBatch
					? (transactionLines[firstTransactionIndex + position] ?? entryLine)
					: entryLine;
				const malformed = (reason: MalformedReason) => result.malformed.push({ line, reason });
				if (isBatch && text(transaction, 'CdtDbtInd') === 'DBIT') {
					countSkip(result.skipped, 'outgoing');
					return;
				}
				// A batch entry's own amount is the sum; each transaction carries its part.
				const amountNode = isBatch
					? [
							child(transaction, 'AmtDtls', 'TxAmt', 'Amt'),
							child(transaction, 'Amt'),
							child(transaction, 'AmtDtls', 'InstdAmt', 'Amt')
						].find((node) => node !== undefined)
					: child(entry, 'Amt');
				const amountText = textOf(amountNode);
				if (!amountText) return malformed('missing_amount');
				const currency = readCurrency(text(amountNode, '@Ccy'), '');
				if (!currency) return malformed('unknown_currency');
				const amountMinor = parseDecimalAmount(amountText, currency);
				if (amountMinor === null || amountMinor <= 0) return malformed('bad_amount');
				if (!bookingDateText) return malformed('missing_date');
				const bookedOn = parseBookingDate(bookingDateText);
				if (!bookedOn) return malformed('bad_date');

				const transactionReference = [
					text(transaction, 'Refs', 'AcctSvcrRef'),
					text(transaction, 'Refs', 'EndToEndId'),
					text(transaction, 'Refs', 'TxId')
				].find(isUsableId);
				let reference: string | undefined;
				if (!isBatch) reference = entryReference || transactionReference;
				else if (text(transaction, 'Refs', 'AcctSvcrRef')) reference = transactionReference;
				else if (entryReference) {
					reference = `${entryReference}/${transactionReference ?? position + 1}`;
				} else reference = transactionReference;
				if (!reference) return malformed('missing_reference');

				const party = payer(transaction);
				const email = readEmail(party.email);
				const { message, kid } = remittance(entry, transaction);
				result.rows.push({
					line,
					bookedOn,
					amountMinor,
					currency,
					// Banks number their references per account: the account keeps them apart.
					transactionReference: cleanText(`${account}:${reference}`, 300),
					payerName: cleanText(party.name, 200),
					email: email.ok ? email.email : null,
					phone: cleanText(party.phone, 40) || null,
					message,
					kid,
					feeMinor: null,
					netMinor: null,
					account: account || null
				} satisfies ImportRow);
			});
		}
	}
	return result;
}
