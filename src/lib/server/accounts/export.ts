/**
 * Downloads and open data for a village's published accounts. Amounts are given both in fen (the
 * exact integers the hash covers) and in yuan for people reading the CSV in a spreadsheet.
 */
import { directionKey, paymentMethodKey, ZH } from './labels.ts';
import { formatFen } from './model.ts';
import type { PublishedPeriodView } from './ledger.ts';
import type { AreaRow } from '../../../../db/schema/areas.ts';
import { disclosureContent } from './canonical.ts';
import { toCsv, type CsvColumn } from '../spreadsheet.ts';

export function periodJson(village: AreaRow, view: PublishedPeriodView) {
  const { disclosure, lines } = view;
  return {
    apiVersion: 1,
    village: { code: village.code, name: village.name },
    period: disclosure.period,
    periodStart: disclosure.periodStart,
    periodEnd: disclosure.periodEnd,
    publishedAt: disclosure.publishedAt?.toISOString() ?? null,
    openingBalanceFen: Number(disclosure.openingBalanceFen),
    incomeFen: view.incomeFen,
    expenseFen: view.expenseFen,
    closingBalanceFen: view.closingBalanceFen,
    chain: { seq: disclosure.chainSeq, prevHash: disclosure.prevHash, contentHash: disclosure.contentHash },
    /** Exactly what the content hash covers: sha256_hex(prevHash + "\n" + canonical JSON of this). */
    content: disclosureContent(disclosure, lines),
  };
}

/**
 * The funds ledger as the public CSV download, a Chinese document whatever the page's language (its
 * header matches the import's columns); text cells are neutralised by `toCsv` (see spreadsheet.ts).
 */
export function fundsCsvZh(view: PublishedPeriodView): string {
  return toCsv(view.lines.funds, FUND_CSV_COLUMNS);
}

type FundLine = PublishedPeriodView['lines']['funds'][number];

const FUND_CSV_COLUMNS: CsvColumn<FundLine>[] = [
  { header: '序号', value: (entry) => entry.lineNo, numeric: true },
  { header: '日期', value: (entry) => entry.entryDate },
  { header: '收支', value: (entry) => ZH(directionKey(entry.direction)) },
  { header: '会计科目', value: (entry) => entry.subject },
  { header: '摘要', value: (entry) => entry.summary },
  { header: '对方单位或个人', value: (entry) => entry.counterparty },
  { header: '金额（元）', value: (entry) => formatFen(entry.amountFen).replace(/,/g, ''), numeric: true },
  { header: '金额（分）', value: (entry) => Number(entry.amountFen), numeric: true },
  { header: '结算方式', value: (entry) => ZH(paymentMethodKey(entry.method)) },
  { header: '凭证号', value: (entry) => entry.voucherNo },
  { header: '决议文号', value: (entry) => entry.decisionRef },
  { header: '更正的分录ID', value: (entry) => entry.adjustsEntryId, numeric: true },
  { header: '分录ID', value: (entry) => entry.id, numeric: true },
];
