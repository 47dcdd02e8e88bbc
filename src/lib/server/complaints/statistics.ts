/**
 * Public complaint statistics (信访举报统计) for a county or a city.
 *
 * What is counted, for the complaints whose AREA (the place the complaint is about, not the
 * commission it was routed to) lies in the scope's subtree, filed in the optional period:
 * - received  — every complaint filed;
 * - accepted  — complaints taken up (an 'accepted' event, or a 'concluded' one: a case is only
 *               concluded after being accepted), including those since concluded;
 * - concluded — complaints concluded now (status 'concluded'): a case reopened by a review (复查)
 *               counts again only once the review concludes;
 * - averageDaysToConclude — mean of (latest 'concluded' event's day − filed_on), in days, one
 *               decimal: for a reviewed case, the whole time until the final answer.
 * The period filters by filing date only, so a period's figures describe the complaints filed in it
 * (a cohort), whatever happened to them later.
 *
 * Privacy rules (product brief): a count of 1–4 is published as "<5"; an average over fewer than
 * five concluded cases is not published; no breakdown is finer than the township. A complaint about
 * the county itself counts in the county's totals but in no township row.
 *
 * Known limit: masking is per cell. Where exact figures and a single masked cell add up to a total,
 * the masked value can be derived by subtraction (e.g. a township's "<5" from the county total minus
 * the other rows). The period option therefore stays a server-side option; public routes publish
 * the all-time figures only, so nobody can narrow a masked cell down by comparing periods.
 */
import { sql } from 'drizzle-orm';
import { COMPLAINT_CATEGORIES } from '../../../../db/schema/complaints.ts';
import type { AreaLevel } from '../../../../db/schema/areas.ts';
import { getArea, listInSubtree } from '../areas/index.ts';
import { subtreeRange } from '../areas/codes.ts';
import { queryRows, type DbOrTx } from '../db.ts';
import { isIsoDate } from '../time.ts';

export type ComplaintCategory = (typeof COMPLAINT_CATEGORIES)[number];

/** A published count: exact from 5 on, "<5" for 1–4, 0 as 0. */
export type Count = number | '<5';

export interface Figures {
  received: Count;
  accepted: Count;
  concluded: Count;
  /** Null when fewer than five cases were concluded (too few for a mean that protects anyone). */
  averageDaysToConclude: number | null;
}

export interface ComplaintStatistics {
  scope: { code: string; name: string; level: AreaLevel };
  totals: Figures;
  byCategory: Array<{ category: ComplaintCategory; figures: Figures }>;
  /** Months of the filing date, from the first to the last month with a complaint (gaps as zeros). */
  byMonth: Array<{ month: string; figures: Figures }>;
  /** Counties only: every township of the county, in code order. Empty for a city. */
  byTownship: Array<{ code: string; name: string; figures: Figures }>;
}

export const SMALL_COUNT_THRESHOLD = 5;

/**
 * Masks a count below five as "<5".
 *
 * Zero stays 0: "no complaint at all" names nobody, while a complaint that exists can be
 * narrowed to its author when a small place shows 1, 2… Masking 0 as well would hide the most
 * useful fact for a reader (nothing was reported here) and protect no complainant, because there
 * is none. The "<5" bucket therefore always means "at least one, at most four".
 */
export function maskCount(n: number): Count {
  if (!Number.isInteger(n) || n < 0) throw new RangeError(`not a count: ${n}`);
  if (n === 0) return 0;
  return n < SMALL_COUNT_THRESHOLD ? '<5' : n;
}

interface Aggregate {
  received: number;
  accepted: number;
  concluded: number;
  averageDays: number | null;
}

const EMPTY: Aggregate = { received: 0, accepted: 0, concluded: 0, averageDays: null };

function publish(aggregate: Aggregate): Figures {
  return {
    received: maskCount(aggregate.received),
    accepted: maskCount(aggregate.accepted),
    concluded: maskCount(aggregate.concluded),
    averageDaysToConclude:
      aggregate.concluded >= SMALL_COUNT_THRESHOLD && aggregate.averageDays !== null ? Math.round(aggregate.averageDays * 10) / 10 : null,
  };
}

/** Every month from `first` to `last` inclusive, as YYYY-MM. */
function monthsBetween(first: string, last: string): string[] {
  const months: string[] = [];
  let year = Number(first.slice(0, 4));
  let month = Number(first.slice(5, 7));
  for (;;) {
    const key = `${year}-${String(month).padStart(2, '0')}`;
    months.push(key);
    if (key >= last) return months;
    month += 1;
    if (month > 12) {
      month = 1;
      year += 1;
    }
  }
}

type Row = { dimension: 'total' | 'category' | 'month' | 'township'; key: string | null; received: number; accepted: number; concluded: number; average_days: number | null };

/**
 * Statistics for a county or a city; undefined for any other code (unknown, province, township,
 * village). One aggregate query (GROUPING SETS) gives totals and every breakdown; the county's
 * townships come from a second, indexed range scan so that townships without complaints show zeros.
 */
export async function complaintStatistics(
  db: DbOrTx,
  scopeCode: string,
  options: { from?: string; to?: string } = {},
): Promise<ComplaintStatistics | undefined> {
  for (const value of [options.from, options.to]) {
    if (value !== undefined && !isIsoDate(value)) throw new RangeError(`not a date: ${value}`);
  }
  const area = await getArea(db, scopeCode);
  if (!area || (area.level !== 'county' && area.level !== 'city')) return undefined;
  const isCounty = area.level === 'county';
  const { from, to } = subtreeRange(area.code);

  const rows = await queryRows<Row>(
    db,
    sql`
      with scoped as (
        select c.category,
               to_char(c.filed_on, 'YYYY-MM') as month,
               left(c.area_code, 9) || '000' as township,
               c.filed_on,
               coalesce(ev.accepted, false) as accepted,
               case when c.status = 'concluded' then ev.last_concluded_on end as concluded_on
          from complaints c
          left join lateral (
            select bool_or(e.kind in ('accepted', 'concluded')) as accepted,
                   max(e."on") filter (where e.kind = 'concluded') as last_concluded_on
              from complaint_events e
             where e.complaint_id = c.id and e.kind in ('accepted', 'concluded')
          ) ev on true
         where c.area_code >= ${from} and c.area_code < ${to}
           ${options.from ? sql`and c.filed_on >= ${options.from}::date` : sql``}
           ${options.to ? sql`and c.filed_on <= ${options.to}::date` : sql``}
      )
      select case
               when grouping(category) = 0 then 'category'
               when grouping(month) = 0 then 'month'
               ${isCounty ? sql`when grouping(township) = 0 then 'township'` : sql``}
               else 'total'
             end as dimension,
             coalesce(category, month${isCounty ? sql`, township` : sql``}) as key,
             count(*)::int as received,
             (count(*) filter (where accepted))::int as accepted,
             count(concluded_on)::int as concluded,
             (avg(concluded_on - filed_on))::float8 as average_days
        from scoped
       group by grouping sets ((), (category), (month)${isCounty ? sql`, (township)` : sql``})
    `,
  );

  const aggregate = (row: Row): Aggregate => ({
    received: Number(row.received),
    accepted: Number(row.accepted),
    concluded: Number(row.concluded),
    averageDays: row.average_days === null ? null : Number(row.average_days),
  });
  const byDimension = (dimension: Row['dimension']) =>
    new Map(rows.filter((row) => row.dimension === dimension).map((row) => [row.key ?? '', aggregate(row)] as const));

  const totalRow = rows.find((row) => row.dimension === 'total');
  const categories = byDimension('category');
  const months = byDimension('month');
  const monthKeys = [...months.keys()].sort();
  const townships = isCounty ? await listInSubtree(db, area.code, 'township') : [];
  const townshipFigures = byDimension('township');

  return {
    scope: { code: area.code, name: area.name, level: area.level },
    totals: publish(totalRow ? aggregate(totalRow) : EMPTY),
    byCategory: COMPLAINT_CATEGORIES.map((category) => ({ category, figures: publish(categories.get(category) ?? EMPTY) })),
    byMonth:
      monthKeys.length === 0 ? [] : monthsBetween(monthKeys[0]!, monthKeys.at(-1)!).map((month) => ({ month, figures: publish(months.get(month) ?? EMPTY) })),
    byTownship: townships.map((township) => ({ code: township.code, name: township.name, figures: publish(townshipFigures.get(township.code) ?? EMPTY) })),
  };
}

/** The measures shown for each group of figures, in display order, as page columns or rows. */
export const FIGURE_MEASURES: Array<{ key: 'statistics.received' | 'statistics.accepted' | 'statistics.concluded' | 'statistics.averageDays'; value: (figures: Figures) => string }> = [
  { key: 'statistics.received', value: (f) => String(f.received) },
  { key: 'statistics.accepted', value: (f) => String(f.accepted) },
  { key: 'statistics.concluded', value: (f) => String(f.concluded) },
  { key: 'statistics.averageDays', value: (f) => (f.averageDaysToConclude === null ? '—' : String(f.averageDaysToConclude)) },
];
