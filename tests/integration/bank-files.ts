// Bank files written the way the banks write them, for the same transfers in every format: DNB's
// CSV export (semicolons, quoted cells, Norwegian dates and decimal commas, the payer and KID only
// in "Forklaring"), and camt.053 statements in versions 001.02 (DNB's) and 001.08.

export interface Transfer {
	/** YYYY-MM-DD */
	bookedOn: string;
	/** "1200.00" */
	amount: string;
	payerName: string;
	kid?: string;
	message: string;
	/** What DNB's CSV prints in "Forklaring". */
	dnbText: string;
	archiveReference: string;
}

export const ACCOUNT_IBAN = 'NO1505302294668';
export const ACCOUNT_BBAN = '05302294668';

const norwegianDate = (iso: string) => iso.split('-').reverse().join('.');
const norwegianAmount = (amount: string) => {
	const [whole, fraction] = amount.split('.');
	return `${whole.replace(/\B(?=(\d{3})+(?!\d))/g, ' ')},${fraction}`;
};

/** DNB's "Eksporter til CSV" of an account: one outgoing payment in among the gifts. */
export function dnbCsv(transfers: Transfer[]): string {
	const lines = ['"Dato";"Forklaring";"Rentedato";"Ut fra konto";"Inn på konto"'];
	transfers.forEach((transfer, i) => {
		const date = norwegianDate(transfer.bookedOn);
		lines.push(
			`"${date}";"${transfer.dnbText}";"${date}";"";"${norwegianAmount(transfer.amount)}"`
		);
		if (i === 0) lines.push(`"${date}";"Varekjøp Rema 1000 Grønland";"${date}";"349,90";""`);
	});
	return lines.join('\r\n') + '\r\n';
}

function entry02(transfer: Transfer): string {
	const reference = transfer.kid
		? `<Strd><CdtrRefInf><Tp><CdOrPrtry><Cd>SCOR</Cd></CdOrPrtry></Tp><Ref>${transfer.kid}</Ref></CdtrRefInf></Strd>`
		: `<Ustrd>${transfer.message}</Ustrd>`;
	return `
      <Ntry>
        <Amt Ccy="NOK">${transfer.amount}</Amt>
        <CdtDbtInd>CRDT</CdtDbtInd>
        <Sts>BOOK</Sts>
        <BookgDt><Dt>${transfer.bookedOn}</Dt></BookgDt>
        <ValDt><Dt>${transfer.bookedOn}</Dt></ValDt>
        <AcctSvcrRef>${transfer.archiveReference}</AcctSvcrRef>
        <BkTxCd><Domn><Cd>PMNT</Cd><Fmly><Cd>RCDT</Cd><SubFmlyCd>DMCT</SubFmlyCd></Fmly></Domn></BkTxCd>
        <NtryDtls>
          <TxDtls>
            <Refs><EndToEndId>NOTPROVIDED</EndToEndId></Refs>
            <RltdPties>
              <Dbtr><Nm>${transfer.payerName}</Nm></Dbtr>
              <DbtrAcct><Id><Othr><Id>12345678903</Id></Othr></Id></DbtrAcct>
            </RltdPties>
            <RmtInf>${reference}</RmtInf>
          </TxDtls>
        </NtryDtls>
      </Ntry>`;
}

function entry08(transfer: Transfer, position: number): string {
	const reference = transfer.kid
		? `<Strd><CdtrRefInf><Tp><CdOrPrtry><Cd>SCOR</Cd></CdOrPrtry></Tp><Ref>${transfer.kid}</Ref></CdtrRefInf></Strd>`
		: `<Ustrd>${transfer.message}</Ustrd>`;
	return `
      <Ntry>
        <NtryRef>${position + 1}</NtryRef>
        <Amt Ccy="NOK">${transfer.amount}</Amt>
        <CdtDbtInd>CRDT</CdtDbtInd>
        <Sts><Cd>BOOK</Cd></Sts>
        <BookgDt><DtTm>${transfer.bookedOn}T10:${String(10 + position).padStart(2, '0')}:00+02:00</DtTm></BookgDt>
        <ValDt><Dt>${transfer.bookedOn}</Dt></ValDt>
        <AcctSvcrRef>${transfer.archiveReference}</AcctSvcrRef>
        <BkTxCd><Domn><Cd>PMNT</Cd><Fmly><Cd>RCDT</Cd><SubFmlyCd>ESCT</SubFmlyCd></Fmly></Domn></BkTxCd>
        <NtryDtls>
          <TxDtls>
            <Refs><EndToEndId>NO-${transfer.archiveReference}</EndToEndId></Refs>
            <Amt Ccy="NOK">${transfer.amount}</Amt>
            <CdtDbtInd>CRDT</CdtDbtInd>
            <RltdPties>
              <Dbtr><Pty><Nm>${transfer.payerName}</Nm></Pty></Dbtr>
            </RltdPties>
            <RmtInf>${reference}</RmtInf>
          </TxDtls>
        </NtryDtls>
      </Ntry>`;
}

/** A camt.053 statement of the organisation's account, version 001.02 (IBAN) or 001.08 (BBAN). */
export function camt053(transfers: Transfer[], version: '02' | '08' = '02'): string {
	const first = transfers[0]?.bookedOn ?? '2026-01-01';
	const account =
		version === '02'
			? `<Id><IBAN>${ACCOUNT_IBAN}</IBAN></Id>`
			: `<Id><Othr><Id>${ACCOUNT_BBAN}</Id><SchmeNm><Cd>BBAN</Cd></SchmeNm></Othr></Id>`;
	const entries = transfers
		.map((transfer, i) => (version === '02' ? entry02(transfer) : entry08(transfer, i)))
		.join('');
	return `<?xml version="1.0" encoding="UTF-8"?>
<Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.053.001.${version}">
  <BkToCstmrStmt>
    <GrpHdr><MsgId>DNB${first.replace(/-/g, '')}0541</MsgId><CreDtTm>${first}T05:41:12</CreDtTm></GrpHdr>
    <Stmt>
      <Id>${ACCOUNT_BBAN}${first.replace(/-/g, '')}</Id>
      <CreDtTm>${first}T05:41:12</CreDtTm>
      <Acct>${account}<Ccy>NOK</Ccy></Acct>${entries}
    </Stmt>
  </BkToCstmrStmt>
</Document>
`;
}
