/**
 * Red flags for reviewers (commission users in scope; never public, never shown to the village).
 * Each flag names the lines behind it so the reviewer can open them. Pure functions over a period's
 * lines (plus the previous period's expenses, so split payments across a quarter boundary count).
 */
import type { AssetItemRow, FundEntryRow, ResourceContractRow } from '../../../../db/schema/accounts.ts';
import { formatFen } from './model.ts';

export type FlagKind = 'noDecision' | 'largeCash' | 'splitPayments' | 'noVoucher' | 'expiredListed' | 'arrears';

export interface FlagLine {
  kind: 'fund' | 'asset' | 'resource';
  lineNo: number;
  /** Set when the line belongs to another (earlier) period. */
  period?: string;
}

export interface RedFlag {
  kind: FlagKind;
  message: string;
  lines: FlagLine[];
}

export interface FlagThresholds {
  decisionFen: number;
  cashFen: number;
}

const DAY = 86_400_000;

export function computeFlags(
  input: {
    funds: FundEntryRow[];
    assets: AssetItemRow[];
    resources: ResourceContractRow[];
    periodEnd: string;
    /** Expenses of the previous period, for split payments across the boundary. */
    earlierExpenses?: Array<FundEntryRow & { period: string }>;
  },
  thresholds: FlagThresholds,
): RedFlag[] {
  const flags: RedFlag[] = [];
  const expenses = input.funds.filter((entry) => entry.direction === 'expense');
  for (const entry of expenses) {
    const amount = Number(entry.amountFen);
    if (amount >= thresholds.decisionFen && !entry.decisionRef) {
      flags.push({ kind: 'noDecision', message: `第${entry.lineNo}行支出${formatFen(amount)}元，未注明村民（代表）会议决议`, lines: [{ kind: 'fund', lineNo: entry.lineNo }] });
    }
    if (!entry.voucherNo) {
      flags.push({ kind: 'noVoucher', message: `第${entry.lineNo}行支出没有凭证号`, lines: [{ kind: 'fund', lineNo: entry.lineNo }] });
    }
  }
  for (const entry of input.funds) {
    if (entry.method === 'cash' && Number(entry.amountFen) > thresholds.cashFen) {
      flags.push({ kind: 'largeCash', message: `第${entry.lineNo}行现金${entry.direction === 'income' ? '收款' : '付款'}${formatFen(entry.amountFen)}元，超过${formatFen(thresholds.cashFen)}元`, lines: [{ kind: 'fund', lineNo: entry.lineNo }] });
    }
  }

  // Split payments: several payments to one counterparty within 30 days, each under the decision
  // threshold and without a decision, that together reach it.
  const pool = [
    ...(input.earlierExpenses ?? []).map((entry) => ({ entry, period: entry.period as string | undefined })),
    ...expenses.map((entry) => ({ entry, period: undefined as string | undefined })),
  ].filter(({ entry }) => !entry.decisionRef && Number(entry.amountFen) < thresholds.decisionFen);
  const byCounterparty = new Map<string, typeof pool>();
  for (const item of pool) byCounterparty.set(item.entry.counterparty, [...(byCounterparty.get(item.entry.counterparty) ?? []), item]);
  for (const [counterparty, items] of byCounterparty) {
    const sorted = items.sort((a, b) => a.entry.entryDate.localeCompare(b.entry.entryDate));
    let reported = false;
    for (let i = 0; i < sorted.length && !reported; i++) {
      const start = Date.parse(sorted[i]!.entry.entryDate);
      const window = sorted.filter((item) => {
        const at = Date.parse(item.entry.entryDate);
        return at >= start && at - start <= 30 * DAY;
      });
      const total = window.reduce((sum, item) => sum + Number(item.entry.amountFen), 0);
      const touchesThisPeriod = window.some((item) => item.period === undefined);
      if (window.length >= 2 && total >= thresholds.decisionFen && touchesThisPeriod) {
        flags.push({
          kind: 'splitPayments',
          message: `30天内向“${counterparty}”付款${window.length}笔，每笔低于${formatFen(thresholds.decisionFen)}元，合计${formatFen(total)}元，均无会议决议`,
          lines: window.map((item) => ({ kind: 'fund' as const, lineNo: item.entry.lineNo, ...(item.period ? { period: item.period } : {}) })),
        });
        reported = true;
      }
    }
  }

  for (const contract of input.resources) {
    if (contract.termEnd < input.periodEnd && contract.feeStatus === 'paid') {
      flags.push({ kind: 'expiredListed', message: `资源合同“${contract.name}”已于${contract.termEnd}到期，仍登记为在收费`, lines: [{ kind: 'resource', lineNo: contract.lineNo }] });
    }
    if (contract.feeStatus === 'arrears') {
      flags.push({ kind: 'arrears', message: `资源合同“${contract.name}”欠缴承包费${formatFen(contract.arrearsFen)}元（${contract.contractor}）`, lines: [{ kind: 'resource', lineNo: contract.lineNo }] });
    }
  }
  for (const asset of input.assets) {
    if ((asset.useStatus === '出租' || asset.useStatus === '出借') && asset.leaseEnd && asset.leaseEnd < input.periodEnd) {
      flags.push({ kind: 'expiredListed', message: `资产“${asset.name}”的租期已于${asset.leaseEnd}结束，仍登记为${asset.useStatus}`, lines: [{ kind: 'asset', lineNo: asset.lineNo }] });
    }
  }
  return flags;
}
