/**
 * The village overview for those who work across villages — the township agency and the
 * commission (/staff/ledgers/villages): each village of their scope (a county's or city's narrowed
 * to one township) with the status of its current and last period, whether the last one is late,
 * the red flags of a period waiting for review and whether they were answered, open supervision
 * opinions, missing village accounts (no supervisor: nobody can countersign, so every submission
 * would wait forever), the next step this person can take there, and the cadence, which the agency
 * sets here; then every unanswered opinion, earliest due first.
 */
import { and, asc, eq, gte, inArray, isNull, lt, ne } from 'drizzle-orm';
import { disclosures, type DisclosureRow, type DisclosureStatus } from '../../../../db/schema/accounts.ts';
import { areas } from '../../../../db/schema/areas.ts';
import { users } from '../../../../db/schema/auth.ts';
import type { Cadence } from '../../../../db/schema/supervision.ts';
import { subtreeRange } from '../areas/codes.ts';
import { can } from '../auth/permissions.ts';
import type { Db, DbOrTx } from '../db.ts';
import { readForm } from '../forms.ts';
import type { Actor, FieldErrors } from '../result.ts';
import { todayInShanghai } from '../time.ts';
import { listVillageCadences, periodKindOf, setVillageCadence } from './cadence.ts';
import { getLines } from './disclosures.ts';
import { answeredFlags, unanswered } from './period-flags.ts';
import { lastFinishedPeriod, parsePeriod, periodContaining } from './periods.ts';
import { listOpenOpinions, openOpinionCounts, type OpenOpinion } from './supervision.ts';
import { designatedAmong } from '../supervision/escalated.ts';

export interface OverviewPeriod {
  period: string;
  /** Null when the period has not been opened. */
  disclosure: { id: number; status: DisclosureStatus } | null;
}

/** A village account whose absence stops the workflow: the cadre drafts, the supervisor countersigns. */
export type MissingAccount = 'cadre' | 'supervisor';

/** What this person can do next at a village, as a link to the period. */
export type NextStep = { kind: 'review' | 'supervise'; disclosureId: number };

export interface OverviewRow {
  code: string;
  name: string;
  cadence: Cadence;
  cadenceSet: boolean;
  current: OverviewPeriod;
  last: OverviewPeriod;
  /** Days the last finished period is late (due and not published), or null. */
  lastDaysLate: number | null;
  /** Red flags of the period waiting for review (submitted or countersigned), and how many lack an answer; null when none waits. */
  flags: { total: number; unanswered: number } | null;
  /** Under escalated supervision (提级监督): its flags and complaints are the county's to handle. */
  escalated: boolean;
  openOpinions: number;
  overdueOpinions: number;
  missingAccounts: MissingAccount[];
  next: NextStep | null;
}

export interface TownshipChoice {
  code: string;
  name: string;
}

export type LedgerOverviewPage =
  | { kind: 'forbidden' }
  | { kind: 'redirect'; location: string }
  | {
      kind: 'page';
      status: 200 | 400;
      rows: OverviewRow[];
      /** More villages than shown: the person should choose a township. */
      truncated: boolean;
      /** The townships of a county or city scope, to narrow the list; empty for a township's agency. */
      townships: TownshipChoice[];
      township: string | null;
      openOpinions: OpenOpinion[];
      maySetCadence: boolean;
      done: boolean;
      errors: FieldErrors;
    };

/** Villages shown at most (a city's scope holds thousands: the list narrows by township). */
export const MAX_ROWS = 300;

/** Periods in review whose flags are computed per page (each costs a few queries). */
const MAX_FLAGGED = 60;

const daysBetween = (from: string, to: string) => Math.round((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / 86_400_000);

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
  const query = new URL(request.url).searchParams;
  const townships = await townshipsIn(db, actor.scopeCode);
  // Only a township of the person's own scope narrows the list; anything else in the address shows the whole scope.
  const township = townships.find((choice) => choice.code === query.get('township'))?.code ?? null;
  const scope = township ?? actor.scopeCode;
  const [rows, truncated] = await overviewRows(db, actor, scope, today);
  const openOpinions = await listOpenOpinions(db, scope, today);
  return {
    kind: 'page',
    status: request.method === 'POST' ? 400 : 200,
    rows,
    truncated,
    townships,
    township,
    openOpinions,
    maySetCadence: actor.role === 'agency',
    done: query.get('done') === 'cadence',
    errors,
  };
}

async function townshipsIn(db: DbOrTx, scopeCode: string): Promise<TownshipChoice[]> {
  const { from, to } = subtreeRange(scopeCode);
  return db
    .select({ code: areas.code, name: areas.name })
    .from(areas)
    // A township's own scope has nothing to narrow to: its subtree holds itself.
    .where(and(eq(areas.level, 'township'), gte(areas.code, from), lt(areas.code, to), ne(areas.code, scopeCode)))
    .orderBy(asc(areas.code))
    .limit(2000);
}

async function overviewRows(db: DbOrTx, actor: Actor, scopeCode: string, today: string): Promise<[OverviewRow[], boolean]> {
  const all = await listVillageCadences(db, scopeCode);
  const villages = all.slice(0, MAX_ROWS);
  if (villages.length === 0) return [[], false];
  const periods = {
    quarter: [periodContaining(today, 'quarter').code, lastFinishedPeriod(today, 'quarter').code],
    month: [periodContaining(today, 'month').code, lastFinishedPeriod(today, 'month').code],
  };
  const codes = villages.map((village) => village.code);
  const [opened, opinions, accounts, designated] = await Promise.all([
    db.select().from(disclosures).where(and(inArray(disclosures.villageCode, codes), inArray(disclosures.period, [...periods.quarter, ...periods.month]))),
    openOpinionCounts(db, scopeCode, today),
    db
      .select({ role: users.role, scopeCode: users.scopeCode })
      .from(users)
      .where(and(inArray(users.scopeCode, codes), inArray(users.role, ['cadre', 'supervisor']), isNull(users.disabledAt))),
    designatedAmong(db, codes),
  ]);
  const found = new Map(opened.map((row) => [`${row.villageCode}/${row.period}`, row]));
  const staffed = new Set(accounts.map((row) => `${row.scopeCode}/${row.role}`));
  const flags = await reviewFlags(db, opened.filter((row) => row.status === 'submitted' || row.status === 'countersigned').slice(0, MAX_FLAGGED));
  const rows = villages.map((village): OverviewRow => {
    const [currentCode, lastCode] = periods[periodKindOf(village.cadence)] as [string, string];
    const current = found.get(`${village.code}/${currentCode}`);
    const last = found.get(`${village.code}/${lastCode}`);
    const dueOn = parsePeriod(lastCode)!.dueOn;
    const inReview = [last, current].find((row) => row?.status === 'submitted' || row?.status === 'countersigned');
    const counts = opinions.get(village.code) ?? { open: 0, overdue: 0 };
    return {
      code: village.code,
      name: village.name,
      cadence: village.cadence,
      cadenceSet: village.set,
      current: { period: currentCode, disclosure: current ? { id: current.id, status: current.status } : null },
      last: { period: lastCode, disclosure: last ? { id: last.id, status: last.status } : null },
      lastDaysLate: today > dueOn && last?.status !== 'published' ? daysBetween(dueOn, today) : null,
      flags: inReview ? (flags.get(inReview.id) ?? null) : null,
      escalated: designated.has(village.code),
      openOpinions: counts.open,
      overdueOpinions: counts.overdue,
      missingAccounts: (['cadre', 'supervisor'] as const).filter((role) => !staffed.has(`${village.code}/${role}`)),
      next: nextStep(actor, village.code, [last, current]),
    };
  });
  return [rows, all.length > villages.length];
}

/** The flags of periods waiting for review, with how many lack the answer their stage needs. */
async function reviewFlags(db: DbOrTx, waiting: DisclosureRow[]): Promise<Map<number, { total: number; unanswered: number }>> {
  const counted = await Promise.all(
    waiting.map(async (disclosure) => {
      const flags = await answeredFlags(db, disclosure, await getLines(db, disclosure.id));
      const missing = unanswered(flags, disclosure.status === 'submitted' ? 'supervisor' : 'cadre').length;
      return [disclosure.id, { total: flags.length, unanswered: missing }] as const;
    }),
  );
  return new Map(counted);
}

/** The agency reviews a countersigned period; the commission supervises the latest opened one. */
function nextStep(actor: Actor, village: string, periods: Array<DisclosureRow | undefined>): NextStep | null {
  const opened = periods.filter((row): row is DisclosureRow => row !== undefined);
  const countersigned = opened.find((row) => row.status === 'countersigned');
  if (countersigned && can(actor, 'ledger.review', { scopeCode: village })) return { kind: 'review', disclosureId: countersigned.id };
  const latest = opened.at(-1) ?? opened[0];
  if (latest && can(actor, 'ledger.supervise', { scopeCode: village })) return { kind: 'supervise', disclosureId: latest.id };
  return null;
}
