/**
 * The case history as its handlers read it (issue 11 item 11), and the trace a commission keeps of
 * the cases it sent on.
 *
 * History: each step with its officer's display name and, for a staff step, the minute it was taken
 * (Asia/Shanghai). The minute is not stored with the step — `complaint_events` holds days only, so
 * the citizen's own steps beside it are never bracketed (db/schema/complaints.ts) — but in the audit
 * entry written by the same transaction: the two rows share their transaction id (`xmin`), which is
 * how a step finds its time. A step whose row was rewritten since (a migration renaming kinds) or
 * restored from a dump has a new `xmin` and shows its day only. Citizen steps write no audit entry
 * and always show the day. None of this reaches the citizen: /track reads tracking.ts, days only
 * and nameless.
 *
 * Trace: after a commission forwards (转送), escalates (提级), hands down (交办) or transfers (转办)
 * a case, the referral row it wrote lets it read where the case went, when and by whom, and how
 * the case stands now — its status, holder and next deadline — without its text, title or
 * reporter once the case is out of its reach (DESIGN.md §2: only those who may handle a case see it).
 */
import { and, desc, eq, inArray, ne, sql, type SQL } from 'drizzle-orm';
import { areas } from '../../../../db/schema/areas.ts';
import { users } from '../../../../db/schema/auth.ts';
import { complaintDepartments, complaintObjections, complaintReferrals, type ComplaintReferralRow } from '../../../../db/schema/complaint-casework.ts';
import { complaints, type ComplaintEventKind, type ComplaintRow } from '../../../../db/schema/complaints.ts';
import { alias } from 'drizzle-orm/pg-core';
import { can, complaintReachSql, type Actor } from '../auth/permissions.ts';
import { queryRows, type DbOrTx } from '../db.ts';
import { formatShanghaiMinute, todayInShanghai } from '../time.ts';
import { caseNumberOf, formatCaseNumber } from './case-numbers.ts';
import { nextDeadline, type Deadline } from './deadlines.ts';

export interface HistoryStep {
  seq: number;
  on: string;
  /** "2026-07-01 09:30" (Asia/Shanghai) for a staff step whose audit entry is found; null otherwise. */
  at: string | null;
  kind: ComplaintEventKind;
  public: boolean;
  text: string | null;
  /** The officer's display name (internal only); null for the citizen's and the system's steps. */
  officer: string | null;
}

export async function loadCaseHistory(db: DbOrTx, complaintId: string): Promise<HistoryStep[]> {
  const rows = await queryRows<{ seq: number; on: string; kind: ComplaintEventKind; public: boolean; text: string | null; officer: string | null; at: Date | string | null }>(
    db,
    sql`select e.seq, e."on"::text as "on", e.kind, e.public, e.text, u.display_name as officer,
               case when e.actor_id is null then null else
                 (select min(a.at) from audit_events a
                   where a.subject_type = 'complaint' and a.subject_id = e.complaint_id and a.actor_id = e.actor_id and a.xmin = e.xmin) end as at
          from complaint_events e left join users u on u.id = e.actor_id
         where e.complaint_id = ${complaintId}
         order by e.seq`,
  );
  return rows.map((row) => ({ ...row, at: row.at ? formatShanghaiMinute(new Date(row.at)) : null }));
}

export interface SentTrace {
  referral: Pick<ComplaintReferralRow, 'id' | 'kind' | 'state' | 'sentOn' | 'dueOn' | 'reportedOn' | 'closedOn'>;
  /** The sender's own words (the reason for a forward or an escalation); never the township's report. */
  reason: string | null;
  sentBy: string;
  /** The receiving commission, township or unit. */
  to: string;
  caseNumber: string;
  filedOn: string;
  /** How the case stands now. */
  status: ComplaintRow['status'];
  merged: boolean;
  holder: string;
  deadline: Deadline | null;
  /** The case itself, when the sender still reaches it (a hand-down, a transfer, a case sent back). */
  caseLink: string | null;
}

const receivers = alias(areas, 'receivers');
const holders = alias(areas, 'holders');

async function traces(db: DbOrTx, actor: Actor, where: SQL | undefined, today: string, limit: number): Promise<SentTrace[]> {
  const rows = await db
    .select({
      referral: complaintReferrals,
      sentBy: users.displayName,
      toArea: receivers.name,
      department: complaintDepartments.name,
      complaint: {
        id: complaints.id,
        status: complaints.status,
        arrivedOn: complaints.arrivedOn,
        filedOn: complaints.filedOn,
        mergedIntoId: complaints.mergedIntoId,
        casePrefix: complaints.casePrefix,
        caseYear: complaints.caseYear,
        caseSeq: complaints.caseSeq,
        reachable: sql<boolean>`${complaintReachSql(actor, complaints)}`,
      },
      holder: holders.name,
    })
    .from(complaintReferrals)
    .innerJoin(complaints, eq(complaints.id, complaintReferrals.complaintId))
    .innerJoin(users, eq(users.id, complaintReferrals.sentBy))
    .innerJoin(holders, eq(holders.code, complaints.routedScopeCode))
    .leftJoin(receivers, eq(receivers.code, complaintReferrals.toScopeCode))
    .leftJoin(complaintDepartments, eq(complaintDepartments.id, complaintReferrals.departmentId))
    .where(where)
    .orderBy(desc(complaintReferrals.sentOn), desc(complaintReferrals.id))
    .limit(limit);
  if (!rows.length) return [];
  // The cases' own open step and objection decide their next deadline (one query each, not per case).
  const ids = rows.map((row) => row.complaint.id);
  const [open, objections] = await Promise.all([
    db.select({ complaintId: complaintReferrals.complaintId, kind: complaintReferrals.kind, state: complaintReferrals.state, dueOn: complaintReferrals.dueOn }).from(complaintReferrals).where(and(inArray(complaintReferrals.complaintId, ids), ne(complaintReferrals.state, 'closed'))),
    db.select({ complaintId: complaintObjections.complaintId, state: complaintObjections.state, dueOn: complaintObjections.dueOn }).from(complaintObjections).where(and(inArray(complaintObjections.complaintId, ids), eq(complaintObjections.state, 'open'))),
  ]);
  return rows.map(({ referral, sentBy, toArea, department, complaint, holder }) => ({
    referral: { id: referral.id, kind: referral.kind, state: referral.state, sentOn: referral.sentOn, dueOn: referral.dueOn, reportedOn: referral.reportedOn, closedOn: referral.closedOn },
    reason: referral.kind === 'forward' || referral.kind === 'escalate' ? referral.report : null,
    sentBy,
    to: department ?? toArea ?? '',
    caseNumber: formatCaseNumber(caseNumberOf(complaint)),
    filedOn: complaint.filedOn,
    status: complaint.status,
    merged: !!complaint.mergedIntoId,
    holder,
    deadline: complaint.mergedIntoId
      ? null
      : nextDeadline(complaint, open.find((row) => row.complaintId === complaint.id), today, objections.find((row) => row.complaintId === complaint.id)),
    caseLink: complaint.reachable ? `/staff/complaints/${complaint.id}` : null,
  }));
}

/** The cases the actor's commission sent on, newest first (forwarded, escalated, handed down, transferred). */
export async function listSent(db: DbOrTx, actor: Actor, today = todayInShanghai()): Promise<SentTrace[]> {
  if (!actor.scopeCode || !can(actor, 'complaint.trace', { scopeCode: actor.scopeCode })) return [];
  return traces(db, actor, eq(complaintReferrals.fromScopeCode, actor.scopeCode), today, 200);
}

/** One referral's trace, for the commission that sent it; undefined for anyone else or an unknown id. */
export async function getSentTrace(db: DbOrTx, actor: Actor, referralId: string, today = todayInShanghai()): Promise<SentTrace | undefined> {
  if (!/^[0-9a-f-]{36}$/.test(referralId) || !actor.scopeCode || !can(actor, 'complaint.trace', { scopeCode: actor.scopeCode })) return undefined;
  const [trace] = await traces(db, actor, and(eq(complaintReferrals.id, referralId), eq(complaintReferrals.fromScopeCode, actor.scopeCode)), today, 1);
  return trace;
}
