/**
 * The commission console: the queue of cases routed to a commission and the commands that move a
 * case along. Every command writes a case event (public when the citizen should see it) and an
 * audit entry, in one transaction. Permission is asked by the caller (`complaint.handle`).
 */
import { and, asc, desc, eq, gte, lt, or, sql, type SQL } from 'drizzle-orm';
import { attachments } from '../../../../db/schema/attachments.ts';
import { getConfig } from '../config.ts';
import { decryptBytes } from './crypto.ts';
import { complaintEvents, complaints, type ComplaintEventRow, type ComplaintRow } from '../../../../db/schema/complaints.ts';
import { areas } from '../../../../db/schema/areas.ts';
import { recordAudit } from '../audit.ts';
import { levelOfCode, subtreeRange } from '../areas/codes.ts';
import type { Actor } from '../auth/permissions.ts';
import type { Db, DbOrTx } from '../db.ts';
import { todayInShanghai } from '../time.ts';

export interface ConsoleActor extends Actor {
  username: string;
}

export interface QueueEntry {
  complaint: Omit<ComplaintRow, 'content'>;
  areaName: string;
}

/** Cases for this commission: routed into its subtree, or (township commissions) assigned to it. */
export async function listComplaintQueue(db: DbOrTx, actor: Actor, filter: { status?: ComplaintRow['status'] } = {}): Promise<QueueEntry[]> {
  if (actor.role !== 'commission' || !actor.scopeCode) return [];
  const conditions: SQL[] = [];
  if (levelOfCode(actor.scopeCode) === 'township') conditions.push(eq(complaints.assigneeId, actor.id));
  else {
    const { from, to } = subtreeRange(actor.scopeCode);
    conditions.push(or(and(gte(complaints.routedScopeCode, from), lt(complaints.routedScopeCode, to)), eq(complaints.assigneeId, actor.id))!);
  }
  if (filter.status) conditions.push(eq(complaints.status, filter.status));
  const rows = await db
    .select({ complaint: complaints, areaName: areas.name })
    .from(complaints)
    .innerJoin(areas, eq(areas.code, complaints.areaCode))
    .where(and(...conditions))
    // Real-name cases first: the rules give them priority (they are owed an answer).
    .orderBy(asc(complaints.anonymous), desc(complaints.filedOn))
    .limit(500);
  return rows.map(({ complaint: { content: _content, ...rest }, areaName }) => ({ complaint: rest, areaName }));
}

export async function getComplaint(db: DbOrTx, id: string): Promise<{ complaint: ComplaintRow; events: ComplaintEventRow[] } | undefined> {
  if (!/^[0-9a-f-]{36}$/.test(id)) return undefined;
  const [complaint] = await db.select().from(complaints).where(eq(complaints.id, id));
  if (!complaint) return undefined;
  const events = await db.select().from(complaintEvents).where(eq(complaintEvents.complaintId, id)).orderBy(asc(complaintEvents.id));
  return { complaint, events };
}

export type ConsoleResult = { ok: true } | { ok: false; errors: Record<string, string> };

const ALLOWED: Record<string, ComplaintRow['status'][]> = {
  accept: ['received'],
  decline: ['received'],
  note: ['received', 'accepted', 'in_progress'],
  conclude: ['accepted', 'in_progress'],
};

/**
 * accept — the case is taken up; decline — not taken up, with the reason the citizen sees;
 * note — an internal note (never shown to the citizen); conclude — the public reply, closing the case.
 */
export async function actOnComplaint(
  db: Db,
  actor: ConsoleActor,
  id: string,
  action: 'accept' | 'decline' | 'note' | 'conclude',
  text: string,
): Promise<ConsoleResult> {
  const trimmed = text.trim();
  if ((action === 'decline' || action === 'conclude') && trimmed.length < 10) {
    return { ok: false, errors: { text: action === 'decline' ? '请写明不予受理的理由（至少10个字），反映人会看到' : '请写明办理结果的答复（至少10个字），反映人会看到' } };
  }
  if (action === 'note' && trimmed.length < 2) return { ok: false, errors: { text: '请填写备注内容' } };
  if (trimmed.length > 5000) return { ok: false, errors: { text: '内容不超过5000字' } };
  return db.transaction(async (tx) => {
    const [current] = await tx.select().from(complaints).where(eq(complaints.id, id)).for('update');
    if (!current) return { ok: false as const, errors: { form: '没有找到该案件' } };
    if (!ALLOWED[action]!.includes(current.status)) return { ok: false as const, errors: { form: '案件状态已经改变，请刷新页面' } };
    const status = action === 'accept' ? 'accepted' : action === 'decline' ? 'declined' : action === 'conclude' ? 'concluded' : current.status;
    await tx
      .update(complaints)
      .set({ status, ...(action === 'conclude' ? { publicReply: trimmed } : {}) })
      .where(eq(complaints.id, id));
    await tx.insert(complaintEvents).values({
      complaintId: id,
      on: todayInShanghai(),
      at: new Date(),
      actorId: actor.id,
      kind: action === 'note' ? 'note' : status,
      public: action !== 'note',
      text: action === 'accept' ? null : trimmed,
    });
    await recordAudit(tx, {
      actor,
      action: `complaint.${action}`,
      subjectType: 'complaint',
      subjectId: id,
      scopeCode: current.routedScopeCode,
    });
    return { ok: true as const };
  });
}

export type ComplaintAttachmentInfo = { id: string; mime: string; sizeBytes: number; stripped: boolean; hasOriginal: boolean };

export async function listComplaintAttachments(db: DbOrTx, complaintId: string): Promise<ComplaintAttachmentInfo[]> {
  const rows = await db
    .select({ id: attachments.id, mime: attachments.mime, sizeBytes: attachments.sizeBytes, stripped: attachments.stripped, hasOriginal: sql<boolean>`${attachments.originalCiphertext} is not null` })
    .from(attachments)
    .where(eq(attachments.complaintId, complaintId))
    .orderBy(asc(attachments.createdAt), asc(attachments.id));
  return rows;
}

/**
 * An attachment of a case, as stored (metadata removed), or — deliberately, audited — the original
 * the reporter asked to keep as evidence.
 */
export async function openComplaintAttachment(
  db: Db,
  actor: ConsoleActor,
  complaintId: string,
  attachmentId: string,
  original: boolean,
): Promise<{ mime: string; bytes: Uint8Array; id: string } | undefined> {
  if (!/^[0-9a-f-]{36}$/.test(attachmentId)) return undefined;
  const [row] = await db.select().from(attachments).where(and(eq(attachments.id, attachmentId), eq(attachments.complaintId, complaintId)));
  if (!row) return undefined;
  if (!original) return { mime: row.mime, bytes: row.bytes, id: row.id };
  if (!row.originalCiphertext) return undefined;
  const [complaint] = await db.select({ routedScopeCode: complaints.routedScopeCode }).from(complaints).where(eq(complaints.id, complaintId));
  await recordAudit(db, {
    actor,
    action: 'complaint.originalOpened',
    subjectType: 'complaint',
    subjectId: complaintId,
    scopeCode: complaint?.routedScopeCode ?? null,
    detail: { attachment: attachmentId },
  });
  return { mime: row.mime, bytes: decryptBytes(getConfig().complaintKey, row.originalCiphertext), id: row.id };
}
