/**
 * What waits for this person in the village accounts, as counts for the staff home, each with the
 * page where it is done. By role: the cadre's drafts sent back, drafts whose period has ended (they
 * can be submitted now) and a last period not opened; the supervision committee's submissions to
 * countersign and major matters to post; the township agency's countersigned periods to review,
 * supervision opinions to answer and villages without a supervisor account; the commission's
 * villages late with their disclosure and opinions overdue for an answer.
 */
import { and, count, eq, gte, isNotNull, isNull, lt, sql } from 'drizzle-orm';
import { disclosures } from '../../../../db/schema/accounts.ts';
import { areas } from '../../../../db/schema/areas.ts';
import { users } from '../../../../db/schema/auth.ts';
import { majorMatters, opinionAnswers, supervisionOpinions } from '../../../../db/schema/supervision.ts';
import { subtreeRange } from '../areas/codes.ts';
import type { DbOrTx } from '../db.ts';
import type { Actor } from '../result.ts';
import { todayInShanghai } from '../time.ts';
import { listOverdueVillages } from './overdue.ts';
import { openablePeriods } from './workspace.ts';
import { lastFinishedPeriod } from './periods.ts';
import { cadenceOf, periodKindOf } from './cadence.ts';

export const LEDGER_WAITING = [
  'returned',
  'readyToSubmit',
  'notOpened',
  'toCountersign',
  'majorToPost',
  'toReview',
  'opinionsToAnswer',
  'noSupervisor',
  'lateVillages',
  'overdueOpinions',
] as const;
export type LedgerWaitingKind = (typeof LEDGER_WAITING)[number];

export interface WaitingItem {
  kind: LedgerWaitingKind;
  count: number;
  href: string;
}

const number = (rows: Array<{ n: number }>) => Number(rows[0]?.n ?? 0);

/** The non-zero items waiting for `actor`, in the order they are worked. */
export async function ledgerWorkWaiting(db: DbOrTx, actor: Actor, today = todayInShanghai()): Promise<WaitingItem[]> {
  const items = await itemsFor(db, actor, today);
  return items.filter((item) => item.count > 0);
}

async function itemsFor(db: DbOrTx, actor: Actor, today: string): Promise<WaitingItem[]> {
  const scope = actor.scopeCode;
  if (!scope) return [];
  const inScope = (column: typeof disclosures.villageCode) => {
    const { from, to } = subtreeRange(scope);
    return and(gte(column, from), lt(column, to));
  };
  switch (actor.role) {
    case 'cadre': {
      const [returned, ready, openable] = await Promise.all([
        db.select({ n: count() }).from(disclosures).where(and(eq(disclosures.villageCode, scope), eq(disclosures.status, 'draft'), isNotNull(disclosures.returnReason))),
        db.select({ n: count() }).from(disclosures).where(and(eq(disclosures.villageCode, scope), eq(disclosures.status, 'draft'), lt(disclosures.periodEnd, today))),
        openablePeriods(db, scope, today),
      ]);
      const last = lastFinishedPeriod(today, periodKindOf(await cadenceOf(db, scope))).code;
      return [
        { kind: 'returned', count: number(returned), href: '/staff/ledgers' },
        { kind: 'readyToSubmit', count: number(ready), href: '/staff/ledgers' },
        { kind: 'notOpened', count: openable.includes(last) ? 1 : 0, href: '/staff/ledgers' },
      ];
    }
    case 'supervisor': {
      const [submitted, major] = await Promise.all([
        db.select({ n: count() }).from(disclosures).where(and(eq(disclosures.villageCode, scope), eq(disclosures.status, 'submitted'))),
        db.select({ n: count() }).from(majorMatters).where(and(eq(majorMatters.villageCode, scope), eq(majorMatters.status, 'pending'))),
      ]);
      return [
        { kind: 'toCountersign', count: number(submitted), href: '/staff/ledgers' },
        { kind: 'majorToPost', count: number(major), href: '/staff/ledgers' },
      ];
    }
    case 'agency': {
      const [countersigned, opinions, unstaffed] = await Promise.all([
        db.select({ n: count() }).from(disclosures).where(and(inScope(disclosures.villageCode), eq(disclosures.status, 'countersigned'))),
        openOpinions(db, scope),
        villagesWithoutSupervisor(db, scope),
      ]);
      return [
        { kind: 'toReview', count: number(countersigned), href: '/staff/ledgers' },
        { kind: 'opinionsToAnswer', count: opinions.open, href: '/staff/ledgers/villages#h-open-opinions' },
        { kind: 'noSupervisor', count: unstaffed, href: '/staff/ledgers/villages' },
      ];
    }
    case 'commission': {
      const [late, opinions] = await Promise.all([listOverdueVillages(db, scope, today), openOpinions(db, scope, today)]);
      return [
        { kind: 'lateVillages', count: late.villages.length, href: '/staff/ledgers/villages' },
        { kind: 'overdueOpinions', count: opinions.overdue, href: '/staff/ledgers/villages#h-open-opinions' },
      ];
    }
    default:
      return [];
  }
}

async function openOpinions(db: DbOrTx, scope: string, today = todayInShanghai()): Promise<{ open: number; overdue: number }> {
  const { from, to } = subtreeRange(scope);
  const [row] = await db
    .select({ open: count(), overdue: sql<number>`count(*) filter (where ${supervisionOpinions.dueOn} < ${today})` })
    .from(supervisionOpinions)
    .leftJoin(opinionAnswers, eq(opinionAnswers.opinionId, supervisionOpinions.id))
    .where(and(isNull(opinionAnswers.id), gte(supervisionOpinions.villageCode, from), lt(supervisionOpinions.villageCode, to)));
  return { open: Number(row?.open ?? 0), overdue: Number(row?.overdue ?? 0) };
}

/** Villages of the scope with no active supervision committee account: nobody there can countersign. */
async function villagesWithoutSupervisor(db: DbOrTx, scope: string): Promise<number> {
  const { from, to } = subtreeRange(scope);
  const [row] = await db
    .select({ n: count() })
    .from(areas)
    .where(
      and(
        eq(areas.level, 'village'),
        gte(areas.code, from),
        lt(areas.code, to),
        sql`not exists (select 1 from ${users} where ${users.scopeCode} = ${areas.code} and ${users.role} = 'supervisor' and ${users.disabledAt} is null)`,
      ),
    );
  return Number(row?.n ?? 0);
}
