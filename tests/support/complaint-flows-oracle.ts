/**
 * For tests: the public statistics' monthly counts added up from scratch, from complaints and
 * complaint_events, the way countMonthlyFlows did before migration 0040 kept them in
 * complaint_flow_counts. The tests hold the kept table to this, so it stays word for word the old
 * query (same rule, same shape, same order).
 */
import { sql } from 'drizzle-orm';
import { subtreeRange } from '../../src/lib/server/areas/codes.ts';
import { queryRows, type DbOrTx } from '../../src/lib/server/db.ts';
import type { MonthlyFlow } from '../../src/lib/server/complaints/statistics.ts';

function lastDayOf(month: string): string {
  const days = new Date(Date.UTC(Number(month.slice(0, 4)), Number(month.slice(5, 7)), 0)).getUTCDate();
  return `${month}-${String(days).padStart(2, '0')}`;
}

export async function countMonthlyFlowsFromScratch(db: DbOrTx, subtreeCode: string, firstMonth: string, lastMonth: string): Promise<MonthlyFlow[]> {
  const { from, to } = subtreeRange(subtreeCode);
  const first = `${firstMonth}-01`;
  const last = lastDayOf(lastMonth);
  const rows = await queryRows<MonthlyFlow>(
    db,
    sql`
      with facts as (
        select c.area_code, c.category, c.channel, to_char(c.filed_on, 'YYYY-MM') as month, 'received' as measure, 0 as days
          from complaints c
         where c.area_code >= ${from} and c.area_code < ${to}
           and c.filed_on >= ${first}::date and c.filed_on <= ${last}::date
        union all
        select c.area_code, c.category, c.channel, to_char(e."on", 'YYYY-MM') as month, e.kind as measure, max(e."on" - c.filed_on) as days
          from complaints c
          join complaint_events e on e.complaint_id = c.id
         where c.area_code >= ${from} and c.area_code < ${to}
           and e.kind in ('accepted', 'concluded')
           and e."on" >= ${first}::date and e."on" <= ${last}::date
         group by c.id, c.area_code, c.category, c.channel, to_char(e."on", 'YYYY-MM'), e.kind
      )
      select month, left(area_code, 9) as place, category, channel, measure, count(*)::int as count, sum(days)::int as days
        from facts
       group by month, left(area_code, 9), category, channel, measure
       order by month, place, category, channel, measure
    `,
  );
  return rows.map((row) => ({ ...row, count: Number(row.count), days: Number(row.days) }));
}
