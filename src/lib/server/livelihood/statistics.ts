/**
 * Public statistics of livelihood payments (惠民惠农补贴统计, issue 14 item 6): per county and
 * subsidy item, for one period, the amount paid and the number of recipients in each village,
 * each township and the county — from published batches only (an imported or withdrawn batch
 * never counts), with no personal data at all, not even masked names.
 *
 * Recipients are distinct persons (ID-number hash) within a village: a supplementary batch (补发)
 * of the same item, village and period pays some of the same people again and they count once.
 * A township's and the county's figure is the SUM of their villages' (a person paid the same item
 * in two villages of one period — itself a cross-check hit — counts in each), so the figures form
 * a system of additive tables and the complaint statistics' suppression applies unchanged.
 *
 * Small numbers. A village where one or two people receive 特困 support is a village where
 * everyone knows who they are; a machine-readable table of every village's count would let anyone
 * list, across a province in one pass, the villages with a single recipient of each item. So the
 * complaint statistics' rule (complaints/suppression.ts) is applied to the recipient counts: 0–4
 * is "<5", and complementary cells are withheld ("*") so that no masked count can be worked out
 * from the township and county totals.
 *
 * The amount is suppressed wherever the count is. With one recipient the amount IS that person's
 * payment, with two it is nearly so, and with a count withheld as "*" the amount must go too, or
 * (for an item paid at a fixed rate, e.g. 高龄津贴 100 元 a month) amount ÷ rate gives the count
 * back. The amounts follow the same relations (villages add up to townships, townships to the
 * county), and a masked pattern that keeps every count from being worked out keeps every amount
 * from being worked out too (what linear algebra can fix depends only on which cells are masked).
 * Amounts of shown cells (5 people or more) are published exactly.
 *
 * Queries: the periods an item has come from `payment_batches_item_idx` (item_id, period) and the
 * figures of one item and period read only that item's batches of that period and their payments
 * (the `payments_batch_line` index on batch_id); no request scans more than the asked periods'
 * payments of one county, whatever the size of the province.
 */
import { and, asc, eq, or, sql, type SQL } from 'drizzle-orm';
import { livelihoodDepartments, paymentBatches, payments, subsidyItems } from '../../../../db/schema/livelihood.ts';
import { getArea, listInSubtree } from '../areas/index.ts';
import { queryRows, type DbOrTx } from '../db.ts';
import { suppress, WITHHELD, type Published, type Relation } from '../complaints/suppression.ts';
import { suspectFiguresByCounty } from './suspects.ts';

export interface PaymentFigures {
  /** Distinct recipients: exact, "<5" (1–4) or "*" (5 or more, withheld to protect a "<5"). */
  recipients: Published;
  /** Amount in fen; "*" wherever the recipient count is not published exactly. */
  amountFen: number | typeof WITHHELD;
}

export interface PlacePaymentFigures {
  code: string;
  name: string;
  figures: PaymentFigures;
}

export interface TownshipPaymentFigures extends PlacePaymentFigures {
  villages: PlacePaymentFigures[];
}

export interface LivelihoodItemInfo {
  id: string;
  name: string;
  departmentName: string;
  standardText: string;
  legalBasis: string;
}

export interface ItemPeriodStatistics {
  county: { code: string; name: string };
  item: LivelihoodItemInfo;
  period: string;
  /** Every period the item has a published batch in, newest first. */
  periods: string[];
  totals: PaymentFigures;
  /** Townships with at least one village paid, in code order, each with its villages. */
  byTownship: TownshipPaymentFigures[];
}

export interface CountyItemSummary {
  item: LivelihoodItemInfo;
  periods: string[];
  latest: { period: string; villages: number; totals: PaymentFigures };
}

/**
 * The county's cross-checks in counts (issue 14 item 6): hits that hold, suspects sent to the
 * departments, suspects closed with a correction, and the amount recovered by those. Each count is
 * suppressed on its own (they are not parts of one another): 1–4 is "<5"; the amount recovered is
 * withheld wherever the corrections count is masked (one correction's amount is one person's).
 */
export interface CrossCheckFigures {
  hits: Published;
  sent: Published;
  corrected: Published;
  recoveredFen: number | typeof WITHHELD;
}

export interface CountyLivelihoodStatistics {
  county: { code: string; name: string };
  items: CountyItemSummary[];
  crossChecks: CrossCheckFigures;
}

function publishedCrossChecks(figures: { hits: number; sent: number; corrected: number; recoveredFen: number }): CrossCheckFigures {
  const [hits, sent, corrected] = suppress({ values: [figures.hits, figures.sent, figures.corrected], relations: [] }) as [Published, Published, Published];
  return { hits, sent, corrected, recoveredFen: typeof corrected === 'number' ? figures.recoveredFen : WITHHELD };
}

const PERIOD = /^[0-9]{4}(-(0[1-9]|1[0-2])|-Q[1-4]|-H[12])?$/;

export function isPeriod(value: string): boolean {
  return PERIOD.test(value);
}

/** The last month a period covers (as a month index), then the shorter period first: 2026 after 2026-H2 after 2026-Q4 after 2026-12. */
function periodOrder(period: string): [number, number] {
  const year = Number(period.slice(0, 4));
  const rest = period.slice(5);
  if (rest === '') return [year * 12 + 12, 4];
  if (rest.startsWith('H')) return [year * 12 + Number(rest.slice(1)) * 6, 3];
  if (rest.startsWith('Q')) return [year * 12 + Number(rest.slice(1)) * 3, 2];
  return [year * 12 + Number(rest), 1];
}

/** Newest period first. */
export function comparePeriodsDesc(a: string, b: string): number {
  const [ea, wa] = periodOrder(a);
  const [eb, wb] = periodOrder(b);
  return eb - ea || wb - wa || (a < b ? 1 : a > b ? -1 : 0);
}

/** The county's items that have at least one published batch, with their published periods. */
async function publishedItems(db: DbOrTx, countyCode: string, itemId?: string): Promise<Array<LivelihoodItemInfo & { periods: string[] }>> {
  const rows = await db
    .selectDistinct({
      id: subsidyItems.id,
      name: subsidyItems.name,
      departmentName: livelihoodDepartments.name,
      standardText: subsidyItems.standardText,
      legalBasis: subsidyItems.legalBasis,
      period: paymentBatches.period,
    })
    .from(subsidyItems)
    .innerJoin(livelihoodDepartments, eq(livelihoodDepartments.id, subsidyItems.departmentId))
    .innerJoin(paymentBatches, and(eq(paymentBatches.itemId, subsidyItems.id), eq(paymentBatches.status, 'published')))
    .where(and(eq(livelihoodDepartments.countyCode, countyCode), itemId ? eq(subsidyItems.id, itemId) : undefined))
    .orderBy(asc(livelihoodDepartments.name), asc(subsidyItems.name));
  const items = new Map<string, LivelihoodItemInfo & { periods: string[] }>();
  for (const { period, ...item } of rows) {
    const entry = items.get(item.id) ?? { ...item, periods: [] };
    entry.periods.push(period);
    items.set(item.id, entry);
  }
  for (const entry of items.values()) entry.periods.sort(comparePeriodsDesc);
  return [...items.values()];
}

interface VillageFact {
  itemId: string;
  period: string;
  villageCode: string;
  recipients: number;
  amountFen: number;
}

/** Distinct recipients and amounts per village for the given (item, period) pairs, published batches only. */
export async function villageFacts(db: DbOrTx, pairs: ReadonlyArray<{ itemId: string; period: string }>): Promise<VillageFact[]> {
  if (pairs.length === 0) return [];
  const which = or(...pairs.map((pair) => and(eq(paymentBatches.itemId, pair.itemId), eq(paymentBatches.period, pair.period)))) as SQL;
  const rows = await queryRows<{ itemId: string; period: string; villageCode: string; recipients: number | string; amountFen: number | string }>(
    db,
    sql`select payment_batches.item_id as "itemId", payment_batches.period, payment_batches.village_code as "villageCode",
               count(distinct payments.id_hash)::int as recipients, sum(payments.amount_fen)::bigint as "amountFen"
          from ${paymentBatches}
          join ${payments} on payments.batch_id = payment_batches.id
         where payment_batches.status = 'published' and (${which})
         group by payment_batches.item_id, payment_batches.period, payment_batches.village_code
         order by payment_batches.village_code`,
  );
  return rows.map((row) => ({ ...row, recipients: Number(row.recipients), amountFen: Number(row.amountFen) }));
}

/** The suppressed figures of one item and period: villages add up to townships, townships to the county. */
function publishTable(facts: VillageFact[], names: Map<string, string>): { totals: PaymentFigures; byTownship: TownshipPaymentFigures[] } {
  const townships = new Map<string, VillageFact[]>();
  for (const fact of facts) {
    const township = `${fact.villageCode.slice(0, 9)}000`;
    townships.set(township, [...(townships.get(township) ?? []), fact]);
  }
  const counts: number[] = [];
  const amounts: number[] = [];
  const relations: Relation[] = [];
  const cell = (count: number, amount: number) => {
    counts.push(count);
    amounts.push(amount);
    return counts.length - 1;
  };
  const total = cell(0, 0);
  const layout = [...townships.entries()]
    .sort(([a], [b]) => (a < b ? -1 : 1))
    .map(([code, villages]) => {
      const own = cell(0, 0);
      const parts = villages.map((village) => ({ code: village.villageCode, cell: cell(village.recipients, village.amountFen) }));
      for (const part of parts) {
        counts[own]! += counts[part.cell]!;
        amounts[own]! += amounts[part.cell]!;
      }
      relations.push({ total: own, parts: parts.map((part) => part.cell) });
      return { code, cell: own, villages: parts };
    });
  for (const township of layout) {
    counts[total]! += counts[township.cell]!;
    amounts[total]! += amounts[township.cell]!;
  }
  relations.push({ total, parts: layout.map((township) => township.cell) });
  const view = suppress({ values: counts, relations });
  const figures = (index: number): PaymentFigures => {
    const recipients = view[index]!;
    return { recipients, amountFen: typeof recipients === 'number' ? amounts[index]! : WITHHELD };
  };
  return {
    totals: figures(total),
    byTownship: layout.map((township) => ({
      code: township.code,
      name: names.get(township.code) ?? township.code,
      figures: figures(township.cell),
      villages: township.villages.map((village) => ({ code: village.code, name: names.get(village.code) ?? village.code, figures: figures(village.cell) })),
    })),
  };
}

async function areaNames(db: DbOrTx, countyCode: string): Promise<Map<string, string>> {
  const [townships, villages] = await Promise.all([listInSubtree(db, countyCode, 'township'), listInSubtree(db, countyCode, 'village')]);
  return new Map([...townships, ...villages].map((area) => [area.code, area.name]));
}

async function countyOf(db: DbOrTx, code: string): Promise<{ code: string; name: string } | undefined> {
  const area = await getArea(db, code);
  return area?.level === 'county' ? { code: area.code, name: area.name } : undefined;
}

/**
 * The county's items with published batches, each with its periods and its latest period's county
 * figures (suppressed with that period's village table). Undefined unless `countyCode` is a county.
 */
export async function countyLivelihoodStatistics(db: DbOrTx, countyCode: string): Promise<CountyLivelihoodStatistics | undefined> {
  const county = await countyOf(db, countyCode);
  if (!county) return undefined;
  const [items, checks] = await Promise.all([publishedItems(db, county.code), suspectFiguresByCounty(db, [county.code])]);
  const facts = await villageFacts(
    db,
    items.map((item) => ({ itemId: item.id, period: item.periods[0]! })),
  );
  return {
    county,
    items: items.map(({ periods, ...item }) => {
      const own = facts.filter((fact) => fact.itemId === item.id && fact.period === periods[0]);
      const { totals } = publishTable(own, new Map());
      return { item, periods, latest: { period: periods[0]!, villages: own.length, totals } };
    }),
    crossChecks: publishedCrossChecks(checks.get(county.code)!),
  };
}

export type ItemStatisticsAnswer = { kind: 'found'; statistics: ItemPeriodStatistics } | { kind: 'not_found' } | { kind: 'bad_period' };

/**
 * One item's figures for one period (default: its latest), by township and village. not_found for
 * a code that is not a county, an item of another county or one with nothing published;
 * bad_period for a period that is malformed or has no published batch of the item.
 */
export async function itemPeriodStatistics(db: DbOrTx, countyCode: string, itemId: string, period?: string | null): Promise<ItemStatisticsAnswer> {
  const county = await countyOf(db, countyCode);
  if (!county || !/^[0-9a-f-]{36}$/.test(itemId)) return { kind: 'not_found' };
  const [found] = await publishedItems(db, county.code, itemId);
  if (!found) return { kind: 'not_found' };
  const { periods, ...item } = found;
  const chosen = period === null || period === undefined || period === '' ? periods[0]! : period;
  if (!isPeriod(chosen) || !periods.includes(chosen)) return { kind: 'bad_period' };
  const [facts, names] = await Promise.all([villageFacts(db, [{ itemId: item.id, period: chosen }]), areaNames(db, county.code)]);
  return { kind: 'found', statistics: { county, item, period: chosen, periods, ...publishTable(facts, names) } };
}
