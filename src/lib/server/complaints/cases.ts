/**
 * What every command on a case shares: reading a case with its history, locking the cases an
 * actor may handle, the answer for one they may not (the same as for one that does not exist),
 * and writing a history entry.
 */
import { and, asc, eq, inArray } from 'drizzle-orm';
import { complaintEvents, complaints, type ComplaintEventRow, type ComplaintRow } from '../../../../db/schema/complaints.ts';
import { complaintReachSql, type Actor, type Resource } from '../auth/permissions.ts';
import type { DbOrTx } from '../db.ts';
import { fail, type FieldErrors } from '../result.ts';
import { todayInShanghai } from '../time.ts';
import type { ComplaintEventKind } from './labels.ts';

const CASE_ID = /^[0-9a-f-]{36}$/;

export type ComplaintEvent = ComplaintEventRow;

export async function getComplaint(db: DbOrTx, id: string): Promise<{ complaint: ComplaintRow; events: ComplaintEvent[] } | undefined> {
  if (!CASE_ID.test(id)) return undefined;
  const [complaint] = await db.select().from(complaints).where(eq(complaints.id, id));
  if (!complaint) return undefined;
  const events = await db.select().from(complaintEvents).where(eq(complaintEvents.complaintId, id)).orderBy(asc(complaintEvents.seq));
  return { complaint, events };
}

/**
 * The cases among `ids` that the actor may handle, locked for the transaction — `update` for a
 * command that changes them, `share` for one that only records reading them (a concurrent
 * escalation then lands wholly before or after, and the reach is judged on the case as it is).
 * Locked in id order, so two commands locking the same pair cannot deadlock. The reach is the
 * permission module's own rule, so this is where a command re-checks it inside the lock.
 */
export async function lockReachable(tx: DbOrTx, actor: Actor, ids: string[], strength: 'update' | 'share' = 'update'): Promise<Map<string, ComplaintRow>> {
  const wellFormed = ids.filter((id) => CASE_ID.test(id));
  if (!wellFormed.length) return new Map();
  const rows = await tx
    .select()
    .from(complaints)
    .where(and(inArray(complaints.id, wellFormed), complaintReachSql(actor, complaints)))
    .orderBy(asc(complaints.id))
    .for(strength);
  return new Map(rows.map((row) => [row.id, row]));
}

/**
 * A case as the permission module asks about it (`extra`: e.g. who proposed a decision). An
 * unknown case routes nowhere, so the guard answers it exactly as it answers a case outside the
 * user's reach (403).
 */
export function caseResource(
  complaint: Pick<ComplaintRow, 'routedScopeCode' | 'assigneeId' | 'handedDownTo' | 'subjectLevel' | 'areaCode'> | undefined,
  extra: Pick<Resource, 'proposedBy'> = {},
): Resource {
  if (!complaint) return { routedScopeCode: '000000000000', assigneeId: null };
  const { routedScopeCode, assigneeId, handedDownTo, subjectLevel, areaCode } = complaint;
  return { routedScopeCode, assigneeId, handedDownTo, subjectLevel, areaCode, ...extra };
}

export const CASE_NOT_FOUND = '没有找到该案件';
export const STATE_CHANGED = '案件状态已经改变，请刷新页面';

/** No such case within the actor's reach: 404, and nothing more said. */
export function caseNotFound(errors: FieldErrors = { form: CASE_NOT_FOUND }) {
  return fail(errors, 404);
}

/** Cases still being handled: not closed, not merged into another. */
export const OPEN_STATUSES: readonly ComplaintRow['status'][] = ['received', 'accepted', 'in_progress'];

/** One entry of the case history, dated to the day only (see db/schema/complaints.ts). */
export async function recordEvent(
  tx: DbOrTx,
  event: { complaintId: string; kind: ComplaintEventKind; public: boolean; text?: string | null; actorId?: string | null; on?: string },
): Promise<void> {
  await tx.insert(complaintEvents).values({
    complaintId: event.complaintId,
    on: event.on ?? todayInShanghai(),
    actorId: event.actorId ?? null,
    kind: event.kind,
    public: event.public,
    text: event.text ?? null,
  });
}
