/**
 * The village overview for those who work across villages — the township agency and the
 * commission (/staff/ledgers/villages): each village of their scope with the status of its current
 * and last period, its open supervision opinions, and its cadence, which the agency sets here; then
 * every unanswered opinion, earliest due first, linking to its period (where the agency answers it).
 */
import { and, gte, inArray, lt } from 'drizzle-orm';
import { disclosures, type DisclosureStatus } from '../../../../db/schema/accounts.ts';
import type { Cadence } from '../../../../db/schema/supervision.ts';
import { subtreeRange } from '../areas/codes.ts';
import { can } from '../auth/permissions.ts';
import type { Db } from '../db.ts';
import { readForm } from '../forms.ts';
import type { Actor, FieldErrors } from '../result.ts';
import { todayInShanghai } from '../time.ts';
import { listVillageCadences, periodKindOf, setVillageCadence } from './cadence.ts';
import { lastFinishedPeriod, periodContaining } from './periods.ts';
import { listOpenOpinions, openOpinionCounts, type OpenOpinion } from './supervision.ts';

export interface OverviewPeriod {
  period: string;
  /** Null when the period has not been opened. */
  disclosure: { id: number; status: DisclosureStatus } | null;
}

export interface OverviewRow {
  code: string;
  name: string;
  cadence: Cadence;
  cadenceSet: boolean;
  current: OverviewPeriod;
  last: OverviewPeriod;
  openOpinions: number;
  overdueOpinions: number;
}

export type LedgerOverviewPage =
  | { kind: 'forbidden' }
  | { kind: 'redirect'; location: string }
  | { kind: 'page'; status: 200 | 400; rows: OverviewRow[]; openOpinions: OpenOpinion[]; maySetCadence: boolean; done: boolean; errors: FieldErrors };

/** Villages shown at most (a city commission's scope can hold thousands; the list narrows by township later). */
const MAX_ROWS = 500;

export async function ledgerOverviewPage(db: Db, actor: Actor, request: Request, today = todayInShanghai()): Promise<LedgerOverviewPage> {
  if (!can(actor, 'ledger.overview') || !actor.scopeCode) return { kind: 'forbidden' };
  let errors: FieldErrors = {};
  if (request.method === 'POST') {
    // A clone: a refusal renders the 403 page, which needs the request's body unread.
    const { fields } = await readForm(request.clone());
    const village = fields.village ?? '';
    if (!can(actor, 'ledger.cadence', { scopeCode: village })) return { kind: 'forbidden' };
    const set = await setVillageCadence(db, actor, { villageCode: village, cadence: fields.cadence ?? '' });
    if (set.ok) return { kind: 'redirect', location: '/staff/ledgers/villages?done=cadence' };
    if (set.status === 403) return { kind: 'forbidden' };
    errors = set.errors;
  }
  const villages = (await listVillageCadences(db, actor.scopeCode)).slice(0, MAX_ROWS);
  const periods = { quarter: [periodContaining(today, 'quarter').code, lastFinishedPeriod(today, 'quarter').code], month: [periodContaining(today, 'month').code, lastFinishedPeriod(today, 'month').code] };
  const { from, to } = subtreeRange(actor.scopeCode);
  const [opened, opinions, openOpinions] = await Promise.all([
    db
      .select({ id: disclosures.id, village: disclosures.villageCode, period: disclosures.period, status: disclosures.status })
      .from(disclosures)
      .where(and(gte(disclosures.villageCode, from), lt(disclosures.villageCode, to), inArray(disclosures.period, [...periods.quarter, ...periods.month]))),
    openOpinionCounts(db, actor.scopeCode, today),
    listOpenOpinions(db, actor.scopeCode, today),
  ]);
  const found = new Map(opened.map((row) => [`${row.village}/${row.period}`, { id: row.id, status: row.status }]));
  const at = (village: string, period: string): OverviewPeriod => ({ period, disclosure: found.get(`${village}/${period}`) ?? null });
  const rows = villages.map((village) => {
    const [current, last] = periods[periodKindOf(village.cadence)];
    const counts = opinions.get(village.code) ?? { open: 0, overdue: 0 };
    return { code: village.code, name: village.name, cadence: village.cadence, cadenceSet: village.set, current: at(village.code, current!), last: at(village.code, last!), openOpinions: counts.open, overdueOpinions: counts.overdue };
  });
  const done = new URL(request.url).searchParams.get('done') === 'cadence';
  return { kind: 'page', status: request.method === 'POST' ? 400 : 200, rows, openOpinions, maySetCadence: actor.role === 'agency', done, errors };
}
