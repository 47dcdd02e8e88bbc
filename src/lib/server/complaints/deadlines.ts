/**
 * Deadlines of a case, per 《纪检监察机关处理检举控告工作规则》(2020): a real-name complainant is
 * told whether the complaint was accepted within 15 working days of receipt; the case should be
 * concluded within a configurable target (COMPLAINT_CONCLUDE_DAYS, 90 calendar days by default).
 */
import type { ComplaintRow } from '../../../../db/schema/complaints.ts';
import { getConfig } from '../config.ts';
import { todayInShanghai } from '../time.ts';
import { addWorkingDays } from './working-days.ts';

export const ACCEPT_WITHIN_WORKING_DAYS = 15;

export interface Deadline {
  kind: 'accept' | 'conclude';
  due: string;
  overdue: boolean;
}

function addCalendarDays(date: string, days: number): string {
  const d = new Date(`${date}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + days);
  return d.toISOString().slice(0, 10);
}

/** The next deadline a case faces, or null once it is closed (declined, transferred, concluded). */
export function nextDeadline(complaint: Pick<ComplaintRow, 'status' | 'filedOn'>, today = todayInShanghai()): Deadline | null {
  if (complaint.status === 'received') {
    const due = addWorkingDays(complaint.filedOn, ACCEPT_WITHIN_WORKING_DAYS);
    return { kind: 'accept', due, overdue: today > due };
  }
  if (complaint.status === 'accepted' || complaint.status === 'in_progress') {
    const due = addCalendarDays(complaint.filedOn, getConfig().complaintConcludeDays);
    return { kind: 'conclude', due, overdue: today > due };
  }
  return null;
}
