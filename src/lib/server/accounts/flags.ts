/**
 * Red flags, for everyone who signs or supervises a period (never public; answered before each signature, period-flags.ts).
 * Each flag names the lines behind it so the reviewer can open them. Pure functions over a period's
 * lines (plus the previous period's expenses, so split payments across a quarter boundary count).
 */
import type { AssetItemRow, FundEntryRow, ResourceContractRow } from '../../../../db/schema/accounts.ts';
import type { DebtItemRow } from '../../../../db/schema/debts.ts';
import type { MessageKey } from '../../../i18n/index.ts';
import { formatFen, monthsBetweenDates, PUBLIC_TENDER } from './model.ts';

export type FlagKind = 'noDecision' | 'largeCash' | 'splitPayments' | 'noVoucher' | 'expiredListed' | 'arrears' | 'renewedWithoutTender' | 'largeDebt' | 'oldDebt';

export interface FlagLine {
  kind: 'fund' | 'asset' | 'resource' | 'debt';
  lineNo: number;
  /** Set when the line belongs to another (earlier) period. */
  period?: string;
}

export interface RedFlag {
  kind: FlagKind;
  /** What the reviewer reads, in the page's language: `t(message.key, message.vars)`. */
  message: { key: MessageKey; vars: Record<string, string | number> };
  lines: FlagLine[];
}

export interface FlagThresholds {
  decisionFen: number;
  cashFen: number;
  /** Debts register: a debt at or above this amount, or older than this many years at the period's end. */
  debtFen?: number;
  debtYears?: number;
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
    /** The resource contracts of the village's previous disclosure, to see which contracts were renewed. */
    earlierResources?: ResourceContractRow[];
    debts?: DebtItemRow[];
  },
  thresholds: FlagThresholds,
): RedFlag[] {
  const flags: RedFlag[] = [];
  const expenses = input.funds.filter((entry) => entry.direction === 'expense');
  for (const entry of expenses) {
    const amount = Number(entry.amountFen);
    if (amount >= thresholds.decisionFen && !entry.decisionRef) {
      flags.push({ kind: 'noDecision', message: { key: 'flags.message.noDecision', vars: { line: entry.lineNo, amount: formatFen(amount) } }, lines: [{ kind: 'fund', lineNo: entry.lineNo }] });
    }
    if (!entry.voucherNo) {
      flags.push({ kind: 'noVoucher', message: { key: 'flags.message.noVoucher', vars: { line: entry.lineNo } }, lines: [{ kind: 'fund', lineNo: entry.lineNo }] });
    }
  }
  for (const entry of input.funds) {
    if (entry.method === 'cash' && Number(entry.amountFen) > thresholds.cashFen) {
      flags.push({
        kind: 'largeCash',
        message: {
          key: entry.direction === 'income' ? 'flags.message.largeCashIncome' : 'flags.message.largeCashExpense',
          vars: { line: entry.lineNo, amount: formatFen(entry.amountFen), limit: formatFen(thresholds.cashFen) },
        },
        lines: [{ kind: 'fund', lineNo: entry.lineNo }],
      });
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
          message: { key: 'flags.message.splitPayments', vars: { counterparty, count: window.length, limit: formatFen(thresholds.decisionFen), total: formatFen(total) } },
          lines: window.map((item) => ({ kind: 'fund' as const, lineNo: item.entry.lineNo, ...(item.period ? { period: item.period } : {}) })),
        });
        reported = true;
      }
    }
  }

  for (const contract of input.resources) {
    if (contract.termEnd < input.periodEnd && contract.feeStatus === 'paid') {
      flags.push({ kind: 'expiredListed', message: { key: 'flags.message.contractExpired', vars: { name: contract.name, date: contract.termEnd } }, lines: [{ kind: 'resource', lineNo: contract.lineNo }] });
    }
    if (contract.feeStatus === 'arrears') {
      flags.push({ kind: 'arrears', message: { key: 'flags.message.arrears', vars: { name: contract.name, amount: formatFen(contract.arrearsFen), contractor: contract.contractor } }, lines: [{ kind: 'resource', lineNo: contract.lineNo }] });
    }
  }
  // A contract renewed (the same resource, same place, a new term) other than by public tender: the
  // 三资 platforms' warning rule — a renewal by negotiation keeps a contractor without competition.
  for (const contract of input.resources) {
    const before = (input.earlierResources ?? []).find((earlier) => earlier.name === contract.name && earlier.location === contract.location);
    if (before && contract.termStart > before.termStart && contract.awardMethod !== PUBLIC_TENDER) {
      flags.push({
        kind: 'renewedWithoutTender',
        message: { key: 'flags.message.renewedWithoutTender', vars: { name: contract.name, contractor: contract.contractor, method: contract.awardMethod, date: contract.termStart } },
        lines: [{ kind: 'resource', lineNo: contract.lineNo }],
      });
    }
  }
  for (const debt of input.debts ?? []) {
    const receivable = debt.kind === 'receivable';
    const lines = [{ kind: 'debt' as const, lineNo: debt.lineNo }];
    if (thresholds.debtFen !== undefined && Number(debt.amountFen) >= thresholds.debtFen) {
      flags.push({ kind: 'largeDebt', message: { key: receivable ? 'flags.message.largeReceivable' : 'flags.message.largePayable', vars: { counterparty: debt.counterparty, amount: formatFen(debt.amountFen), limit: formatFen(thresholds.debtFen) } }, lines });
    }
    const months = monthsBetweenDates(debt.incurredOn, input.periodEnd);
    if (thresholds.debtYears !== undefined && months >= thresholds.debtYears * 12) {
      flags.push({ kind: 'oldDebt', message: { key: receivable ? 'flags.message.oldReceivable' : 'flags.message.oldPayable', vars: { counterparty: debt.counterparty, amount: formatFen(debt.amountFen), date: debt.incurredOn, years: thresholds.debtYears } }, lines });
    }
  }
  for (const asset of input.assets) {
    if ((asset.useStatus === '出租' || asset.useStatus === '出借') && asset.leaseEnd && asset.leaseEnd < input.periodEnd) {
      flags.push({ kind: 'expiredListed', message: { key: 'flags.message.leaseExpired', vars: { name: asset.name, date: asset.leaseEnd, status: asset.useStatus } }, lines: [{ kind: 'asset', lineNo: asset.lineNo }] });
    }
  }
  return flags;
}

/**
 * A flag's stable name within its period, for the answers given to it: its kind and the lines
 * behind it. An answer stays with its flag while the entry is corrected; a fix that clears the flag
 * leaves the answer behind, unused.
 */
export function flagKey(flag: Pick<RedFlag, 'kind' | 'lines'>): string {
  return `${flag.kind}:${flag.lines.map((line) => `${line.period ?? ''}${line.kind}-${line.lineNo}`).join(',')}`;
}
