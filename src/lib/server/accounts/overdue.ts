/**
 * Villages late with the disclosure of the last finished period. The rule is configurable
 * (DISCLOSURE_CADENCE=quarterly|monthly); by default quarterly, due by the 15th of the next
 * quarter's first month. A village is late when the due date has passed and the period is not
 * published (it may be missing entirely, or stuck in draft or review).
 */
import { sql } from 'drizzle-orm';
import { subtreeRange } from '../areas/codes.ts';
import { getConfig } from '../config.ts';
import { queryRows, type DbOrTx } from '../db.ts';
import { todayInShanghai } from '../time.ts';
import { lastFinishedPeriod, type Period } from './periods.ts';

export interface OverdueVillage {
  code: string;
  name: string;
  townshipName: string;
  status: 'missing' | 'draft' | 'submitted' | 'countersigned';
  daysLate: number;
}

export async function listOverdueVillages(
  db: DbOrTx,
  scopeCode: string,
  today = todayInShanghai(),
): Promise<{ period: Period; due: boolean; villages: OverdueVillage[] }> {
  const period = lastFinishedPeriod(today, getConfig().disclosureCadence === 'monthly' ? 'month' : 'quarter');
  const due = today > period.dueOn;
  if (!due) return { period, due, villages: [] };
  const { from, to } = subtreeRange(scopeCode);
  const rows = await queryRows<{ code: string; name: string; township_name: string; status: string | null }>(
    db,
    sql`select v.code, v.name, coalesce(t.name, '') as township_name, d.status
          from areas v
          left join areas t on t.code = v.parent_code
          left join disclosures d on d.village_code = v.code and d.period = ${period.code}
         where v.level = 'village' and v.code >= ${from} and v.code < ${to}
           and (d.status is null or d.status <> 'published')
         order by v.code`,
  );
  const daysLate = Math.round((Date.parse(`${today}T00:00:00Z`) - Date.parse(`${period.dueOn}T00:00:00Z`)) / 86_400_000);
  return {
    period,
    due,
    villages: rows.map((row) => ({
      code: row.code,
      name: row.name,
      townshipName: row.township_name,
      status: (row.status ?? 'missing') as OverdueVillage['status'],
      daysLate,
    })),
  };
}
