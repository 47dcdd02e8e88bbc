/**
 * Deadlines of a case, per 《纪检监察机关处理检举控告工作规则》(2020), in working days on the
 * holiday calendar (working-days.ts), counted from the day the case reached the commission holding
 * it (`arrived_on`: filing, forwarding, escalation — and, for a later reopening, the reopening):
 * - a real-name complainant is told whether the complaint was accepted within 15 working days;
 * - a commission without jurisdiction forwards it to the competent one within 5 working days;
 * - an objection to the reply is answered within 15 working days of being recorded;
 * - a hand-down (交办) and a transfer (转办) have the limit the county sets (county settings,
 *   DEFAULT_TIME_LIMITS when it set none), counted from the day it was sent, or the date a press
 *   (督办) or a sending back set;
 * - the case should be concluded within a configurable target (COMPLAINT_CONCLUDE_DAYS, calendar days).
 * The next deadline is the earliest of those that apply, with its kind saying why.
 */
import type { ComplaintObjectionRow, ComplaintReferralRow } from '../../../../db/schema/complaint-casework.ts';
import type { ComplaintRow } from '../../../../db/schema/complaints.ts';
import { getConfig } from '../config.ts';
import { todayInShanghai } from '../time.ts';
import { addWorkingDays } from './working-days.ts';

export const ACCEPT_WITHIN_WORKING_DAYS = 15;
export const FORWARD_WITHIN_WORKING_DAYS = 5;
/** An objection (异议) to the reply is answered within this many working days of being recorded. */
export const OBJECTION_ANSWER_WORKING_DAYS = 15;

/** A county's limits for the steps it sets itself, in working days. */
export interface CountyTimeLimits {
  handDownDays: number;
  transferDays: number;
}
export const DEFAULT_TIME_LIMITS: CountyTimeLimits = { handDownDays: 30, transferDays: 15 };

export type DeadlineKind = 'accept' | 'handDown' | 'transfer' | 'conclude' | 'objection';

export interface Deadline {
  kind: DeadlineKind;
  due: string;
  overdue: boolean;
}

function addCalendarDays(date: string, days: number): string {
  const d = new Date(`${date}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + days);
  return d.toISOString().slice(0, 10);
}

/** The last day for forwarding a case that reached a commission without jurisdiction on `arrivedOn`. */
export function forwardDue(arrivedOn: string): string {
  return addWorkingDays(arrivedOn, FORWARD_WITHIN_WORKING_DAYS);
}

/** The last day for answering an objection recorded on `filedOn`. */
export function objectionDue(filedOn: string): string {
  return addWorkingDays(filedOn, OBJECTION_ANSWER_WORKING_DAYS);
}

/** The last day for a hand-down's report or a transfer's reply, sent on `sentOn` under the county's limits. */
export function referralDue(kind: 'hand_down' | 'transfer', sentOn: string, limits: CountyTimeLimits): string {
  return addWorkingDays(sentOn, kind === 'hand_down' ? limits.handDownDays : limits.transferDays);
}

export type DeadlineCase = Pick<ComplaintRow, 'status' | 'arrivedOn'>;
/** The case's open hand-down or transfer, if any. */
export type OpenReferral = Pick<ComplaintReferralRow, 'kind' | 'state' | 'dueOn'> | null | undefined;

/** The case's unanswered objection to its reply, if any. */
export type OpenObjection = Pick<ComplaintObjectionRow, 'state' | 'dueOn'> | null | undefined;

/**
 * Every deadline the case faces now, earliest first; none once it is closed (declined, transferred
 * away, concluded) — but a concluded case with an unanswered objection owes its answer.
 */
export function caseDeadlines(complaint: DeadlineCase, referral?: OpenReferral, today = todayInShanghai(), objection?: OpenObjection): Deadline[] {
  const at = (kind: DeadlineKind, due: string): Deadline => ({ kind, due, overdue: today > due });
  const deadlines: Deadline[] = [];
  if (complaint.status === 'received') deadlines.push(at('accept', addWorkingDays(complaint.arrivedOn, ACCEPT_WITHIN_WORKING_DAYS)));
  if (complaint.status === 'received' || complaint.status === 'accepted' || complaint.status === 'in_progress') {
    // A report already in waits for the county's review, which has no limit of its own.
    if (referral && referral.state === 'open' && referral.kind !== 'forward') deadlines.push(at(referral.kind === 'hand_down' ? 'handDown' : 'transfer', referral.dueOn));
  }
  if (complaint.status === 'accepted' || complaint.status === 'in_progress') deadlines.push(at('conclude', addCalendarDays(complaint.arrivedOn, getConfig().complaintConcludeDays)));
  if (complaint.status === 'concluded' && objection?.state === 'open') deadlines.push(at('objection', objection.dueOn));
  return deadlines.sort((a, b) => a.due.localeCompare(b.due));
}

/** The next deadline a case faces, or null once it is closed. */
export function nextDeadline(complaint: DeadlineCase, referral?: OpenReferral, today = todayInShanghai(), objection?: OpenObjection): Deadline | null {
  return caseDeadlines(complaint, referral, today, objection)[0] ?? null;
}
