/**
 * The canonical serialisation a published disclosure is hashed over, and the hash chain.
 * Canonical means: JSON with object keys sorted, no whitespace, numbers as integers (fen, not
 * yuan), dates as YYYY-MM-DD, absent values as null, lines in line-number order. Anyone with the
 * open-data JSON can recompute it: content_hash = sha256_hex(prev_hash + "\n" + canonical_json).
 */
import { createHash } from 'node:crypto';
import type { AssetItemRow, DisclosureRow, FundEntryRow, ResourceContractRow } from '../../../../db/schema/accounts.ts';
import type { DebtItemRow } from '../../../../db/schema/debts.ts';

/** Hash the first published period of a village chains onto. */
export const GENESIS_HASH = '0'.repeat(64);

export function canonicalJson(value: unknown): string {
  if (value === null || value === undefined) return 'null';
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  if (typeof value === 'number' && !Number.isFinite(value)) throw new Error('non-finite number in canonical content');
  return JSON.stringify(value);
}

/**
 * The content form a period published now is hashed in. Version 1 (no `v` member) is the form of
 * every period published before the debts register; version 2 adds `v: 2` and `debts`. A period
 * keeps the version it was published with (`disclosures.content_version`), so its hash still holds.
 */
export const CONTENT_VERSION = 2;

export interface DisclosureContent {
  v?: number;
  debts?: Array<Record<string, unknown>>;
  village: string;
  period: string;
  openingBalanceFen: number;
  funds: Array<Record<string, unknown>>;
  assets: Array<Record<string, unknown>>;
  resources: Array<Record<string, unknown>>;
}

export function disclosureContent(
  disclosure: Pick<DisclosureRow, 'villageCode' | 'period' | 'openingBalanceFen' | 'contentVersion'>,
  lines: { funds: FundEntryRow[]; assets: AssetItemRow[]; resources: ResourceContractRow[]; debts: DebtItemRow[] },
): DisclosureContent {
  const { funds, assets, resources, debts } = lines;
  const byLine = <T extends { lineNo: number }>(rows: T[]) => [...rows].sort((a, b) => a.lineNo - b.lineNo);
  const content: DisclosureContent = {
    village: disclosure.villageCode,
    period: disclosure.period,
    openingBalanceFen: Number(disclosure.openingBalanceFen),
    funds: byLine(funds).map((e) => ({
      line: e.lineNo,
      date: e.entryDate,
      direction: e.direction,
      amountFen: Number(e.amountFen),
      subject: e.subject,
      summary: e.summary,
      counterparty: e.counterparty,
      voucherNo: e.voucherNo,
      method: e.method,
      decisionRef: e.decisionRef,
      adjustsEntryId: e.adjustsEntryId,
    })),
    assets: byLine(assets).map((a) => ({
      line: a.lineNo,
      name: a.name,
      type: a.assetType,
      quantity: Number(a.quantity).toFixed(2),
      unit: a.unit,
      originalValueFen: Number(a.originalValueFen),
      acquiredOn: a.acquiredOn,
      location: a.location,
      useStatus: a.useStatus,
      lessee: a.lessee,
      leaseStart: a.leaseStart,
      leaseEnd: a.leaseEnd,
      annualRentFen: a.annualRentFen === null ? null : Number(a.annualRentFen),
      bookAmountFen: Number(a.bookAmountFen),
      actualAmountFen: Number(a.actualAmountFen),
      gapReason: a.gapReason,
    })),
    resources: byLine(resources).map((r) => ({
      line: r.lineNo,
      name: r.name,
      landClass: r.landClass,
      areaMu: Number(r.areaMu).toFixed(2),
      location: r.location,
      contractor: r.contractor,
      termStart: r.termStart,
      termEnd: r.termEnd,
      annualFeeFen: Number(r.annualFeeFen),
      awardMethod: r.awardMethod,
      feeStatus: r.feeStatus,
      arrearsFen: Number(r.arrearsFen),
    })),
  };
  if (disclosure.contentVersion < 2) return content;
  return {
    v: 2,
    ...content,
    debts: byLine(debts).map((d) => ({
      line: d.lineNo,
      kind: d.kind,
      counterparty: d.counterparty,
      subject: d.subject,
      summary: d.summary,
      amountFen: Number(d.amountFen),
      incurredOn: d.incurredOn,
      dueOn: d.dueOn,
    })),
  };
}

export function chainHash(prevHash: string, content: DisclosureContent): string {
  return createHash('sha256').update(`${prevHash}\n${canonicalJson(content)}`).digest('hex');
}
