/**
 * Downloads and open data for a village's published accounts. Amounts are given both in fen (the
 * exact integers the hash covers) and in yuan for people reading the CSV in a spreadsheet.
 */
import { stringify } from 'csv-stringify/sync';
import { DIRECTION_LABELS, PAYMENT_METHOD_LABELS, formatFen } from './model.ts';
import type { PublishedPeriodView } from './ledger.ts';
import type { AreaRow } from '../../../../db/schema/areas.ts';
import { disclosureContent } from './canonical.ts';

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
    content: disclosureContent(disclosure, lines.funds, lines.assets, lines.resources),
  };
}

export function fundsCsv(view: PublishedPeriodView): string {
  const header = ['序号', '日期', '收支', '会计科目', '摘要', '对方单位或个人', '金额（元）', '金额（分）', '结算方式', '凭证号', '决议文号', '更正的分录ID', '分录ID'];
  const rows = view.lines.funds.map((entry) => [
    entry.lineNo,
    entry.entryDate,
    DIRECTION_LABELS[entry.direction],
    entry.subject,
    entry.summary,
    entry.counterparty,
    formatFen(entry.amountFen).replace(/,/g, ''),
    Number(entry.amountFen),
    PAYMENT_METHOD_LABELS[entry.method],
    entry.voucherNo ?? '',
    entry.decisionRef ?? '',
    entry.adjustsEntryId ?? '',
    entry.id,
  ]);
  // BOM so that Excel on Chinese Windows opens it as UTF-8.
  return '\uFEFF' + stringify([header, ...rows]);
}
