/**
 * The "today" view of a commission officer (issue 11 item 9): what waits for them, by section.
 *
 * A county or city commission sees the cases its own commission holds (routed to it — not those of
 * the commissions below, which work their own): new cases not yet accepted, cases whose next
 * deadline falls within the next five working days, overdue cases, township reports waiting for
 * review, decisions waiting for this officer's approval (an approver who is neither the handler nor
 * the proposer; the right is read from the account, not the session), and objections to answer. A
 * township commission sees the hand-downs it has to work, with their report deadlines. Every query
 * also applies the permission module's reach rule (`complaintReachSql`), so nothing outside the
 * officer's reach is listed or counted. Three indexed queries per view (cases with their open
 * referral and objection; pending proposals; the approver right), never one per case; deadlines are
 * the working-day ones of deadlines.ts.
 */
import { and, asc, eq, inArray, isNull, ne, or, sql } from 'drizzle-orm';
import { users } from '../../../../db/schema/auth.ts';
import { complaintObjections, complaintProposals, complaintReferrals } from '../../../../db/schema/complaint-casework.ts';
import { complaints } from '../../../../db/schema/complaints.ts';
import { complaintReach, complaintReachSql, type Actor } from '../auth/permissions.ts';
import type { DbOrTx } from '../db.ts';
import { todayInShanghai } from '../time.ts';
import { caseDeadlines, type Deadline } from './deadlines.ts';
import { addWorkingDays } from './working-days.ts';

/** "Due this week": the next deadline falls within this many working days from today. */
export const DUE_SOON_WORKING_DAYS = 5;

export const TODAY_SECTIONS = ['handDowns', 'newCases', 'dueSoon', 'overdue', 'reports', 'approvals', 'objections'] as const;
export type TodaySection = (typeof TODAY_SECTIONS)[number];

export interface TodayItem {
  complaintId: string;
  title: string;
  filedOn: string;
  anonymous: boolean;
  /** The deadline that puts the case in this section (or its next one), if any. */
  deadline: Deadline | null;
  /** For approvals: what is to be decided. */
  proposalKind?: (typeof complaintProposals.$inferSelect)['kind'];
}

export interface TodayView {
  /** The sections that apply to this officer, in the order the page shows them. */
  sections: Array<{ key: TodaySection; items: TodayItem[] }>;
  /** Distinct cases waiting in any section. */
  total: number;
  /** The last day counted as "due this week". */
  dueSoonThrough: string;
}

const OPEN: Array<(typeof complaints.$inferSelect)['status']> = ['received', 'accepted', 'in_progress'];

/** Which sections an officer has: a holding commission's, or a township's hand-downs. */
function sectionsFor(actor: Actor): TodaySection[] {
  const reach = complaintReach(actor);
  if (reach.kind === 'none') return [];
  if (reach.kind === 'handedDown') return ['handDowns', 'dueSoon', 'overdue'];
  return ['newCases', 'dueSoon', 'overdue', 'reports', 'approvals', 'objections'];
}

export async function loadToday(db: DbOrTx, actor: Actor, today = todayInShanghai()): Promise<TodayView> {
  const keys = sectionsFor(actor);
  const dueSoonThrough = addWorkingDays(today, DUE_SOON_WORKING_DAYS);
  if (!keys.length || !actor.scopeCode) return { sections: [], total: 0, dueSoonThrough };
  const township = complaintReach(actor).kind === 'handedDown';
  const reach = complaintReachSql(actor, complaints);

  // The cases the officer works, each with its open hand-down or transfer and its open objection
  // (at most one of each: partial unique indexes), in one query on complaints_routed_status_idx
  // (or complaints_handed_down_idx for a township).
  const held = township ? eq(complaints.handedDownTo, actor.scopeCode) : eq(complaints.routedScopeCode, actor.scopeCode);
  const rows = await db
    .select({
      id: complaints.id,
      title: complaints.title,
      filedOn: complaints.filedOn,
      anonymous: complaints.anonymous,
      status: complaints.status,
      arrivedOn: complaints.arrivedOn,
      referralKind: complaintReferrals.kind,
      referralState: complaintReferrals.state,
      referralTo: complaintReferrals.toScopeCode,
      referralDue: complaintReferrals.dueOn,
      objectionState: complaintObjections.state,
      objectionDue: complaintObjections.dueOn,
    })
    .from(complaints)
    .leftJoin(complaintReferrals, and(eq(complaintReferrals.complaintId, complaints.id), ne(complaintReferrals.state, 'closed')))
    .leftJoin(complaintObjections, and(eq(complaintObjections.complaintId, complaints.id), eq(complaintObjections.state, 'open')))
    .where(
      and(
        reach,
        held,
        isNull(complaints.mergedIntoId),
        or(inArray(complaints.status, OPEN), and(eq(complaints.status, 'concluded'), eq(complaintObjections.state, 'open'))),
      ),
    )
    .orderBy(asc(complaints.anonymous), asc(complaints.filedOn), asc(complaints.id));

  const items = new Map<TodaySection, TodayItem[]>(keys.map((key) => [key, []]));
  const push = (key: TodaySection, item: TodayItem) => items.get(key)?.push(item);

  for (const row of rows) {
    const referral = row.referralKind ? { kind: row.referralKind, state: row.referralState!, dueOn: row.referralDue! } : null;
    const objection = row.objectionState ? { state: row.objectionState, dueOn: row.objectionDue! } : null;
    const all = caseDeadlines(row, referral, today, objection);
    // A township answers for its report only; the county's own limits are the county's.
    const deadlines = township ? all.filter((deadline) => deadline.kind === 'handDown') : all;
    const next = deadlines[0] ?? null;
    const item: TodayItem = { complaintId: row.id, title: row.title, filedOn: row.filedOn, anonymous: row.anonymous, deadline: next };
    if (township) {
      if (row.referralKind === 'hand_down' && row.referralState === 'open' && row.referralTo === actor.scopeCode) push('handDowns', item);
    } else {
      if (row.status === 'received') push('newCases', item);
      if (row.referralKind === 'hand_down' && row.referralState === 'reported') push('reports', item);
      if (objection) push('objections', { ...item, deadline: all.find((deadline) => deadline.kind === 'objection') ?? next });
    }
    if (next?.overdue) push('overdue', item);
    else if (next && next.due <= dueSoonThrough) push('dueSoon', item);
  }

  if (keys.includes('approvals')) {
    const [account] = await db.select({ approver: users.approver, disabledAt: users.disabledAt }).from(users).where(eq(users.id, actor.id));
    if (account?.approver && !account.disabledAt) {
      // Decisions of this commission proposed by someone else, on cases this officer does not handle.
      const pending = await db
        .select({ id: complaints.id, title: complaints.title, filedOn: complaints.filedOn, anonymous: complaints.anonymous, kind: complaintProposals.kind })
        .from(complaintProposals)
        .innerJoin(complaints, eq(complaints.id, complaintProposals.complaintId))
        .where(
          and(
            eq(complaintProposals.state, 'pending'),
            ne(complaintProposals.proposedBy, actor.id),
            reach,
            eq(complaints.routedScopeCode, actor.scopeCode),
            isNull(complaints.mergedIntoId),
            sql`${complaints.assigneeId} is distinct from ${actor.id}`,
          ),
        )
        .orderBy(asc(complaintProposals.proposedOn), asc(complaints.id));
      for (const row of pending) push('approvals', { complaintId: row.id, title: row.title, filedOn: row.filedOn, anonymous: row.anonymous, deadline: null, proposalKind: row.kind });
    }
  }

  const sections = keys.map((key) => ({ key, items: items.get(key) ?? [] }));
  const total = new Set(sections.flatMap((section) => section.items.map((item) => item.complaintId))).size;
  return { sections, total, dueSoonThrough };
}

/**
 * What waits for the officer, for the staff home: the distinct cases in any section, and each
 * section's count (an approval and an overdue case may be the same case).
 */
export async function countWaitingFor(db: DbOrTx, user: Actor, today = todayInShanghai()): Promise<{ total: number; sections: Partial<Record<TodaySection, number>> }> {
  const view = await loadToday(db, user, today);
  return { total: view.total, sections: Object.fromEntries(view.sections.map((section) => [section.key, section.items.length])) };
}
