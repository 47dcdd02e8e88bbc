/**
 * What citizens see of a village's accounts: published periods only, with totals that are always
 * computed from the published lines themselves (never stored separately, so they cannot drift).
 */
import { and, asc, desc, eq, gte, inArray, lt, sql } from 'drizzle-orm';
import { areas, type AreaRow } from '../../../../db/schema/areas.ts';
import { disclosureEvents, disclosures, fundEntries, type DisclosureRow, type FundEntryRow } from '../../../../db/schema/accounts.ts';
import type { MajorMatterRow } from '../../../../db/schema/supervision.ts';
import { findVillagesByName, getAncestors, getArea, type VillageHit } from '../areas/index.ts';
import { subtreeRange } from '../areas/codes.ts';
import { queryRows, type DbOrTx } from '../db.ts';
import { getLines, listPublished, periodBreakdown, periodTotals, type DisclosureLines, type PeriodBreakdown } from './disclosures.ts';
import { inDateOrder, SUBJECTS } from './model.ts';
import type { HistoryKind } from './labels.ts';
import { listPublishedMajorMatters } from './major-matters.ts';
import { listOpinions, type OpinionView } from './supervision.ts';

export const VILLAGE_SEARCH_MIN = 2;

export type { VillageHit } from '../areas/index.ts';

/** Villages by name for the village finder: at least two characters (see findVillagesByName). */
export async function searchVillages(db: DbOrTx, rawQuery: string | null): Promise<VillageHit[] | 'too-short'> {
  const query = (rawQuery ?? '').normalize('NFKC').trim().slice(0, 20);
  if ([...query].length < VILLAGE_SEARCH_MIN) return 'too-short';
  return findVillagesByName(db, query, { limit: 50 });
}

export interface TownshipVillages {
  township: AreaRow;
  villages: Array<AreaRow & { latestPeriod: string | null }>;
}

/** A county's villages grouped by township, each with its latest published period. */
export async function listCountyVillages(db: DbOrTx, countyCode: string): Promise<TownshipVillages[]> {
  const { from, to } = subtreeRange(countyCode);
  const rows = await db
    .select()
    .from(areas)
    .where(and(inArray(areas.level, ['township', 'village']), gte(areas.code, from), lt(areas.code, to)))
    .orderBy(asc(areas.code));
  const latest = await queryRows<{ village_code: string; period: string }>(
    db,
    sql`select distinct on (village_code) village_code, period from disclosures
         where status = 'published' and village_code >= ${from} and village_code < ${to}
         order by village_code, period_end desc`,
  );
  const latestByVillage = new Map(latest.map((row) => [row.village_code, row.period]));
  const groups = new Map<string, TownshipVillages>();
  for (const row of rows) if (row.level === 'township') groups.set(row.code, { township: row, villages: [] });
  for (const row of rows) {
    if (row.level === 'village' && row.parentCode) groups.get(row.parentCode)?.villages.push({ ...row, latestPeriod: latestByVillage.get(row.code) ?? null });
  }
  return [...groups.values()];
}

export interface SubjectTotal {
  subject: string;
  direction: 'income' | 'expense';
  amountFen: number;
}

export interface MonthTotal {
  month: string;
  incomeFen: number;
  expenseFen: number;
}

export interface PublishedPeriodView {
  disclosure: DisclosureRow;
  lines: DisclosureLines;
  incomeFen: number;
  expenseFen: number;
  closingBalanceFen: number;
  /** The period's income and expense (损益) and its other cash movements. */
  breakdown: PeriodBreakdown;
  bySubject: SubjectTotal[];
  byMonth: MonthTotal[];
  /** Entry id → the later published entries that correct it. */
  correctedBy: Map<number, Array<{ period: string; lineNo: number }>>;
  /** Entry id → the earlier entry it corrects. */
  corrects: Map<number, { period: string; lineNo: number }>;
}

export function subjectTotals(entries: FundEntryRow[]): SubjectTotal[] {
  const totals = new Map<string, SubjectTotal>();
  for (const entry of entries) {
    const key = `${entry.direction}:${entry.subject}`;
    const current = totals.get(key) ?? { subject: entry.subject, direction: entry.direction, amountFen: 0 };
    current.amountFen += Number(entry.amountFen);
    totals.set(key, current);
  }
  const order = (subject: string) => (SUBJECTS as readonly string[]).indexOf(subject);
  return [...totals.values()].sort((a, b) => order(a.subject) - order(b.subject));
}

export function monthTotals(entries: FundEntryRow[], months: string[]): MonthTotal[] {
  const byMonth = new Map(months.map((month) => [month, { month, incomeFen: 0, expenseFen: 0 }]));
  for (const entry of entries) {
    const bucket = byMonth.get(entry.entryDate.slice(0, 7));
    if (!bucket) continue;
    if (entry.direction === 'income') bucket.incomeFen += Number(entry.amountFen);
    else bucket.expenseFen += Number(entry.amountFen);
  }
  return [...byMonth.values()];
}

function monthsBetween(start: string, end: string): string[] {
  const months: string[] = [];
  let year = Number(start.slice(0, 4));
  let month = Number(start.slice(5, 7));
  const last = end.slice(0, 7);
  for (;;) {
    const code = `${year}-${String(month).padStart(2, '0')}`;
    months.push(code);
    if (code >= last || months.length > 240) break;
    month += 1;
    if (month === 13) {
      month = 1;
      year += 1;
    }
  }
  return months;
}

async function adjustmentLinks(db: DbOrTx, villageCode: string) {
  const rows = await queryRows<{ id: number; adjusts_entry_id: number; period: string; line_no: number; target_period: string; target_line: number }>(
    db,
    sql`select e.id, e.adjusts_entry_id, d.period, e.line_no, td.period as target_period, t.line_no as target_line
          from fund_entries e
          join disclosures d on d.id = e.disclosure_id
          join fund_entries t on t.id = e.adjusts_entry_id
          join disclosures td on td.id = t.disclosure_id
         where d.village_code = ${villageCode} and d.status = 'published' and e.adjusts_entry_id is not null`,
  );
  const correctedBy = new Map<number, Array<{ period: string; lineNo: number }>>();
  const corrects = new Map<number, { period: string; lineNo: number }>();
  for (const row of rows) {
    const target = Number(row.adjusts_entry_id);
    correctedBy.set(target, [...(correctedBy.get(target) ?? []), { period: row.period, lineNo: row.line_no }]);
    corrects.set(Number(row.id), { period: row.target_period, lineNo: row.target_line });
  }
  return { correctedBy, corrects };
}

export interface VillagePage {
  village: AreaRow;
  ancestors: AreaRow[];
  published: DisclosureRow[];
  shown: PublishedPeriodView | undefined;
  /** Income and expense by month over the last four published periods, for the chart. */
  trend: MonthTotal[];
  /**
   * The shown period's public history: its steps (by role, never by person: staff names are not
   * published) and the commission's supervision opinions with the agency's answers.
   */
  history: { steps: Array<{ at: Date; kind: HistoryKind }>; opinions: OpinionView[] };
  /** Major matters disclosed at once, newest first, whatever their period. */
  majorMatters: MajorMatterRow[];
}

export async function loadVillagePage(db: DbOrTx, villageCode: string, period?: string): Promise<VillagePage | undefined> {
  const village = await getArea(db, villageCode);
  if (!village || village.level !== 'village') return undefined;
  const [ancestors, published] = await Promise.all([getAncestors(db, villageCode), listPublished(db, villageCode)]);
  const target = period ? published.find((row) => row.period === period) : published.at(-1);
  let shown: PublishedPeriodView | undefined;
  if (target) {
    const lines = inDateOrder(await getLines(db, target.id));
    const { incomeFen, expenseFen, closingBalanceFen } = periodTotals(target.openingBalanceFen, lines.funds);
    const links = await adjustmentLinks(db, villageCode);
    shown = {
      disclosure: target,
      lines,
      incomeFen,
      expenseFen,
      closingBalanceFen,
      breakdown: periodBreakdown(lines.funds),
      bySubject: subjectTotals(lines.funds),
      byMonth: monthTotals(lines.funds, monthsBetween(target.periodStart, target.periodEnd)),
      ...links,
    };
  }
  const recent = published.slice(-4);
  let trend: MonthTotal[] = [];
  if (recent.length) {
    const entries = await db
      .select()
      .from(fundEntries)
      .where(inArray(fundEntries.disclosureId, recent.map((row) => row.id)));
    trend = monthTotals(entries, monthsBetween(recent[0]!.periodStart, recent.at(-1)!.periodEnd));
  }
  const [steps, opinions, majorMatters] = await Promise.all([
    target
      ? db
          .select({ at: disclosureEvents.at, kind: disclosureEvents.kind })
          .from(disclosureEvents)
          .where(and(eq(disclosureEvents.disclosureId, target.id), inArray(disclosureEvents.kind, ['submitted', 'countersigned', 'returned', 'published'])))
          .orderBy(asc(disclosureEvents.at), asc(disclosureEvents.id))
      : [],
    listOpinions(db, target ? [target.id] : []),
    listPublishedMajorMatters(db, villageCode),
  ]);
  // Who raised and answered an opinion is said by body (commission, agency), not by name.
  const publicOpinions = (opinions.get(target?.id ?? 0) ?? []).map((opinion) => ({ ...opinion, raisedBy: null, answer: opinion.answer && { ...opinion.answer, by: null } }));
  const history = { steps: steps as Array<{ at: Date; kind: HistoryKind }>, opinions: publicOpinions };
  return { village, ancestors, published: [...published].reverse(), shown, trend, history, majorMatters };
}

export async function latestPublishedAcross(db: DbOrTx, limit = 8): Promise<Array<{ villageCode: string; villageName: string; period: string; publishedAt: Date }>> {
  const rows = await db
    .select({ villageCode: disclosures.villageCode, villageName: areas.name, period: disclosures.period, publishedAt: disclosures.publishedAt })
    .from(disclosures)
    .innerJoin(areas, eq(areas.code, disclosures.villageCode))
    .where(eq(disclosures.status, 'published'))
    .orderBy(desc(disclosures.publishedAt))
    .limit(limit);
  return rows.map((row) => ({ ...row, publishedAt: row.publishedAt! }));
}

/** A published ledger line as citizens saw it on the village page: where, which period, which row. */
export interface PublishedEntryRef {
  id: number;
  villageCode: string;
  villageName: string;
  period: string;
  lineNo: number;
  voucherNo: string | null;
}

/** The published line with this id; undefined for drafts and periods under review (never shown). */
export async function findPublishedEntry(db: DbOrTx, entryId: number): Promise<PublishedEntryRef | undefined> {
  const [row] = await db
    .select({ id: fundEntries.id, villageCode: disclosures.villageCode, villageName: areas.name, period: disclosures.period, lineNo: fundEntries.lineNo, voucherNo: fundEntries.voucherNo })
    .from(fundEntries)
    .innerJoin(disclosures, eq(disclosures.id, fundEntries.disclosureId))
    .innerJoin(areas, eq(areas.code, disclosures.villageCode))
    .where(and(eq(fundEntries.id, entryId), eq(disclosures.status, 'published')));
  return row;
}
