/**
 * What the staff ledger pages load: the queue for a role (with opening a period, the list page's
 * one command), and one disclosure's workspace.
 */
import { and, asc, desc, eq, gte, inArray, lt, ne, sql } from 'drizzle-orm';
import { areas, type AreaRow } from '../../../../db/schema/areas.ts';
import { disclosureEvents, disclosures, type DisclosureRow } from '../../../../db/schema/accounts.ts';
import { users } from '../../../../db/schema/auth.ts';
import { getArea } from '../areas/index.ts';
import { subtreeRange } from '../areas/codes.ts';
import { can } from '../auth/permissions.ts';
import type { Db, DbOrTx } from '../db.ts';
import { readForm } from '../forms.ts';
import type { Actor, FieldErrors } from '../result.ts';
import { todayInShanghai } from '../time.ts';
import { getDisclosure, getLines, openDraft, openingBalanceOf, periodTotals, type DisclosureLines, type OpeningSource, type PeriodTotals } from './disclosures.ts';
import { cadenceOf, periodKindOf } from './cadence.ts';
import type { HistoryKind } from './labels.ts';
import { answeredFlags, type AnsweredFlag } from './period-flags.ts';
import { lastFinishedPeriod, periodContaining } from './periods.ts';
import { inDateOrder } from './model.ts';
import { designatedAmong } from '../supervision/escalated.ts';

export interface QueueRow {
  disclosure: DisclosureRow;
  villageName: string;
}

/**
 * Disclosures a staff member works on: a village's own for cadres and supervisors; for the
 * township agency and administrators, those in scope waiting for countersignature or review; for
 * the commission, which supervises, every period in scope, drafts included.
 */
export async function listLedgerQueue(db: DbOrTx, actor: Actor): Promise<QueueRow[]> {
  const conditions = [];
  if (actor.role !== 'admin') {
    const { from, to } = subtreeRange(actor.scopeCode!);
    conditions.push(gte(disclosures.villageCode, from), lt(disclosures.villageCode, to));
  }
  if (actor.role === 'agency' || actor.role === 'admin') {
    conditions.push(inArray(disclosures.status, ['submitted', 'countersigned']));
  }
  const rows = await db
    .select({ disclosure: disclosures, villageName: areas.name })
    .from(disclosures)
    .innerJoin(areas, eq(areas.code, disclosures.villageCode))
    .where(and(...conditions))
    // What waits for a signature first (countersigned for the agency, then submitted), then by village and period.
    .orderBy(sql`case ${disclosures.status} when 'countersigned' then 0 when 'submitted' then 1 when 'draft' then 2 else 3 end`, asc(disclosures.villageCode), desc(disclosures.periodStart))
    .limit(300);
  return rows;
}

/** Periods a cadre may open now: the current one and the last finished one, if not opened yet. */
export async function openablePeriods(db: DbOrTx, villageCode: string, today = todayInShanghai()): Promise<string[]> {
  const kind = periodKindOf(await cadenceOf(db, villageCode));
  const candidates = [lastFinishedPeriod(today, kind).code, periodContaining(today, kind).code];
  const existing = await db
    .select({ period: disclosures.period })
    .from(disclosures)
    .where(and(eq(disclosures.villageCode, villageCode), inArray(disclosures.period, candidates)));
  const taken = new Set(existing.map((row) => row.period));
  return candidates.filter((code) => !taken.has(code));
}

export type LedgerQueuePage =
  | { kind: 'redirect'; location: string }
  | { kind: 'forbidden' }
  | {
      kind: 'page';
      status: 200 | 400;
      /** The village of a cadre or supervisor; null for reviewers, who see a queue across their scope. */
      village: string | null;
      queue: QueueRow[];
      /** Periods this person may open now (cadres only). */
      periods: string[];
      errors: FieldErrors;
    };

/** The ledger list page (/staff/ledgers) as one call: the queue, and opening a period (POST). */
export async function ledgerQueuePage(db: Db, actor: Actor, request: Request): Promise<LedgerQueuePage> {
  if (!can(actor, 'ledger.queue')) return { kind: 'forbidden' };
  const village = actor.role === 'cadre' || actor.role === 'supervisor' ? actor.scopeCode : null;
  // The village whose periods this person opens: a cadre's own (a supervisor looks, the cadre opens).
  const opensFor = village !== null && can(actor, 'ledger.edit', { scopeCode: village }) ? village : null;
  let errors: FieldErrors = {};
  if (request.method === 'POST') {
    if (opensFor === null) return { kind: 'forbidden' };
    const { fields } = await readForm(request);
    const opened = await openDraft(db, actor, opensFor, fields.period ?? '');
    if (opened.ok) return { kind: 'redirect', location: `/staff/ledgers/${opened.value.id}` };
    if (opened.status === 403) return { kind: 'forbidden' };
    errors = opened.errors;
  }
  const [queue, periods] = await Promise.all([listLedgerQueue(db, actor), opensFor === null ? [] : openablePeriods(db, opensFor)]);
  return { kind: 'page', status: request.method === 'POST' ? 400 : 200, village, queue, periods, errors };
}

export interface Workspace {
  disclosure: DisclosureRow;
  /** Opening balance as this period has it (published) or will have it (previous closing, or as entered), and the rest. */
  totals: PeriodTotals;
  /** Where the opening balance comes from (entered only for the village's first period). */
  openingSource: OpeningSource;
  village: AreaRow;
  lines: DisclosureLines;
  events: Array<{ at: Date; kind: HistoryKind; reason: string | null; actorName: string | null }>;
  flags: AnsweredFlag[];
  /** The village is under escalated supervision (提级监督): its flags are marked as the county's to follow. */
  escalated: boolean;
}

export async function loadWorkspace(db: DbOrTx, disclosureId: number, withFlags: boolean): Promise<Workspace | undefined> {
  const disclosure = await getDisclosure(db, disclosureId);
  if (!disclosure) return undefined;
  const village = await getArea(db, disclosure.villageCode);
  if (!village) return undefined;
  const lines = inDateOrder(await getLines(db, disclosure.id));
  const events = (
    await db
      .select({ at: disclosureEvents.at, kind: disclosureEvents.kind, reason: disclosureEvents.reason, actorName: users.displayName })
      .from(disclosureEvents)
      .leftJoin(users, eq(users.id, disclosureEvents.actorId))
      // The history shows the period's steps; each draft edit's own event row is for the audit trail.
      .where(and(eq(disclosureEvents.disclosureId, disclosure.id), ne(disclosureEvents.kind, 'edited')))
      .orderBy(asc(disclosureEvents.at), asc(disclosureEvents.id))
  ).filter((event): event is typeof event & { kind: HistoryKind } => event.kind !== 'edited');
  const flags = withFlags ? await answeredFlags(db, disclosure, lines) : [];
  const escalated = withFlags ? (await designatedAmong(db, [village.code])).has(village.code) : false;
  const opening = await openingBalanceOf(db, disclosure);
  return { disclosure, totals: periodTotals(opening.openingBalanceFen, lines.funds), openingSource: opening.source, village, lines, events, flags, escalated };
}
