/**
 * Villages late with the disclosure of their last finished period. Each village follows its own
 * cadence (cadence.ts: quarterly or monthly, set by the township agency; DISCLOSURE_CADENCE where
 * unset), and a period is due by `DUE_DAY` of the month after it ends (periods.ts). A village is
 * late when its due date has passed and the period is not published (it may be missing entirely,
 * or stuck in draft or review).
 */
import { sql } from 'drizzle-orm';
import { subtreeRange } from '../areas/codes.ts';
import { queryRows, type DbOrTx } from '../db.ts';
import { todayInShanghai } from '../time.ts';
import { defaultCadence, periodKindOf } from './cadence.ts';
import { lastFinishedPeriod, type Period } from './periods.ts';

export interface OverdueVillage {
  code: string;
  name: string;
  townshipName: string;
  /** The village's own period that is late (a quarter, or a month for monthly villages). */
  period: string;
  status: 'missing' | 'draft' | 'submitted' | 'countersigned';
  daysLate: number;
}

const daysBetween = (from: string, to: string) => Math.round((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / 86_400_000);

/**
 * `period` and `due` describe the default cadence's last period (what the public page states as
 * the rule); `villages` lists every village late under its own cadence.
 */
export async function listOverdueVillages(
  db: DbOrTx,
  scopeCode: string,
  today = todayInShanghai(),
): Promise<{ period: Period; due: boolean; villages: OverdueVillage[] }> {
  const quarter = lastFinishedPeriod(today, 'quarter');
  const month = lastFinishedPeriod(today, 'month');
  const fallback = defaultCadence();
  const period = periodKindOf(fallback) === 'month' ? month : quarter;
  const { from, to } = subtreeRange(scopeCode);
  const rows = await queryRows<{ code: string; name: string; township_name: string; cadence: string; status: string | null }>(
    db,
    sql`select v.code, v.name, coalesce(t.name, '') as township_name, coalesce(c.cadence, ${fallback}) as cadence, d.status
          from areas v
          left join areas t on t.code = v.parent_code
          left join village_cadences c on c.village_code = v.code
          left join disclosures d on d.village_code = v.code
               and d.period = case when coalesce(c.cadence, ${fallback}) = 'monthly' then ${month.code} else ${quarter.code} end
         where v.level = 'village' and v.code >= ${from} and v.code < ${to}
           and (d.status is null or d.status <> 'published')
         order by v.code`,
  );
  const villages: OverdueVillage[] = [];
  for (const row of rows) {
    const own = row.cadence === 'monthly' ? month : quarter;
    if (today <= own.dueOn) continue;
    villages.push({
      code: row.code,
      name: row.name,
      townshipName: row.township_name,
      period: own.code,
      status: (row.status ?? 'missing') as OverdueVillage['status'],
      daysLate: daysBetween(own.dueOn, today),
    });
  }
  return { period, due: today > period.dueOn || villages.length > 0, villages };
}
