/**
 * The public lists of livelihood payments per village (公示, issue 14 item 2): the published
 * batches of a village, grouped by item and period (a supplementary batch 补发 of the same item and
 * period joins its group), with totals, recipient counts and each recipient's masked name, amount
 * and payment date. Never the ID number, its last four characters, the hashes or the importer.
 * Imported and withdrawn batches are not public.
 */
import { asc, desc, eq } from 'drizzle-orm';
import { paymentBatches, payments, subsidyItems } from '../../../../db/schema/livelihood.ts';
import type { DbOrTx } from '../db.ts';
import { publishedPayments } from './published-payments.ts';

export interface PublicPaymentLine {
  nameMasked: string;
  amountFen: number;
  paidOn: string;
}

export interface PublicPaymentGroup {
  itemName: string;
  departmentName: string;
  legalBasis: string;
  period: string;
  count: number;
  totalFen: number;
  /** When the first batch of the group was published. */
  publishedAt: Date;
  lines: PublicPaymentLine[];
}

/** The village's published payments, grouped by item and period: newest period first, then by item. */
export async function villageLivelihood(db: DbOrTx, villageCode: string): Promise<PublicPaymentGroup[]> {
  if (!/^[0-9]{12}$/.test(villageCode)) return [];
  const rows = await publishedPayments(db, eq(paymentBatches.villageCode, villageCode), [desc(paymentBatches.period), asc(subsidyItems.name), asc(paymentBatches.publishedAt), asc(payments.line)]);
  const groups = new Map<string, PublicPaymentGroup>();
  for (const row of rows) {
    const key = `${row.itemId}|${row.period}`;
    let group = groups.get(key);
    if (!group) {
      group = { itemName: row.itemName, departmentName: row.departmentName, legalBasis: row.legalBasis, period: row.period, count: 0, totalFen: 0, publishedAt: row.publishedAt, lines: [] };
      groups.set(key, group);
    }
    group.count += 1;
    group.totalFen += row.amountFen;
    group.lines.push({ nameMasked: row.nameMasked, amountFen: row.amountFen, paidOn: row.paidOn });
  }
  return [...groups.values()];
}

/** The first and last day a payment period covers (YYYY, YYYY-H1/H2, YYYY-Q1…Q4, YYYY-MM); null for anything else. */
export function periodSpan(period: string): { from: string; to: string } | null {
  const match = /^([0-9]{4})(?:-(?:H([12])|Q([1-4])|(0[1-9]|1[0-2])))?$/.exec(period);
  if (!match) return null;
  const [, year, half, quarter, month] = match;
  const [first, last] = half ? [Number(half) * 6 - 5, Number(half) * 6] : quarter ? [Number(quarter) * 3 - 2, Number(quarter) * 3] : month ? [Number(month), Number(month)] : [1, 12];
  const lastDay = new Date(Date.UTC(Number(year), last, 0)).getUTCDate();
  const pad = (n: number) => String(n).padStart(2, '0');
  return { from: `${year}-${pad(first)}-01`, to: `${year}-${pad(last)}-${pad(lastDay)}` };
}

/**
 * The groups a notice-board sheet of one accounts period carries: those whose payment period
 * overlaps it. The sheet of the village's latest published period also carries every later payment
 * period (`to` null): there is no newer sheet to post them on, and a 公示 must not wait for the next
 * accounts period. So each sheet stays the length of its period, not of the village's whole history.
 */
export function groupsForSheet<G extends { period: string }>(groups: readonly G[], sheet: { from: string; to: string | null }): G[] {
  return groups.filter((group) => {
    const span = periodSpan(group.period);
    return !!span && span.to >= sheet.from && (sheet.to === null || span.from <= sheet.to);
  });
}

/**
 * The same groups for the open data API, without the recipients: item, department, period, count
 * and total only. Masked names stay on the village page and the notice board: a machine-readable
 * list of every village's recipients would let anyone harvest, across all villages at once, who
 * receives 低保 or 特困 support — in a village of a few hundred people 张*伟 with an amount is
 * often one known person — which is more than the local scrutiny the 公示 is for.
 */
export async function villageLivelihoodTotals(db: DbOrTx, villageCode: string): Promise<Array<Omit<PublicPaymentGroup, 'lines' | 'publishedAt'> & { publishedAt: string }>> {
  return (await villageLivelihood(db, villageCode)).map(({ lines: _lines, publishedAt, ...group }) => ({ ...group, publishedAt: publishedAt.toISOString() }));
}
