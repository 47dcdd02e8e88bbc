/**
 * The commission console: the commands that move a case along, and what the case page reads
 * besides the case (attachments, likely duplicates). Every command is `(db, actor, input)`: zod
 * reads the input, one transaction locks the case (`lockReachable`), re-checks inside the lock
 * that the actor may still handle it (the permission module's rule) and that its status still
 * allows the step, writes the change, a case event (public when the citizen should see it) and an
 * audit entry, and returns a `Result`. A case outside the actor's reach is "not found" (404)
 * whichever way it is reached — a merge target or a suggested duplicate included.
 */
import { and, asc, eq, sql } from 'drizzle-orm';
import { z } from 'zod';
import { attachments } from '../../../../db/schema/attachments.ts';
import { complaintIdentities, complaints, DISPOSALS, type ComplaintRow, type ZoneRow } from '../../../../db/schema/complaints.ts';
import { translator } from '../../../i18n/index.ts';
import { getArea } from '../areas/index.ts';
import { recordAudit } from '../audit.ts';
import { complaintReachSql } from '../auth/permissions.ts';
import { getConfig } from '../config.ts';
import { queryRows, type Db, type DbOrTx } from '../db.ts';
import { fail, ok, type Actor, type Result } from '../result.ts';
import { caseNotFound, lockReachable, OPEN_STATUSES, recordEvent, STATE_CHANGED } from './cases.ts';
import { decryptBytes, decryptJson } from './crypto.ts';
import { nextDeadline, type Deadline } from './deadlines.ts';
import { disposalKey, type ComplaintEventKind } from './labels.ts';
import { escalationTarget } from './routing.ts';
import { listZones } from './zones.ts';

export type ConsoleAction = 'accept' | 'decline' | 'note' | 'dispose' | 'transfer' | 'escalate' | 'conclude';

const text = (min: number, message: string) => z.string().trim().min(min, message).max(5000, '内容不超过5000字');

/** What each step asks of its text (the reason, the reply, the body it goes to …). */
const ConsoleInput = z.discriminatedUnion('action', [
  z.object({ action: z.literal('accept'), text: z.string().optional() }),
  z.object({ action: z.literal('decline'), text: text(10, '请写明不予受理的理由（至少10个字），反映人会看到') }),
  z.object({ action: z.literal('note'), text: text(2, '请填写备注内容') }),
  z.object({ action: z.literal('dispose'), text: z.enum(DISPOSALS, { message: '请选择处置方式' }) }),
  z.object({ action: z.literal('transfer'), text: text(4, '请写明转交给哪个单位办理，反映人会看到') }),
  z.object({ action: z.literal('escalate'), text: text(10, '请写明提级办理的理由（至少10个字）') }),
  z.object({ action: z.literal('conclude'), text: text(10, '请写明办理结果的答复（至少10个字），反映人会看到') }),
]);

interface Step {
  /** The statuses the step may be taken from, checked inside the lock. */
  from: readonly ComplaintRow['status'][];
  /** The status afterwards (unchanged when absent). */
  to?: ComplaintRow['status'];
  event: ComplaintEventKind;
  /** Shown on the citizen's timeline. */
  public: boolean;
}

const STEPS: Record<ConsoleAction, Step> = {
  accept: { from: ['received'], to: 'accepted', event: 'accepted', public: true },
  decline: { from: ['received'], to: 'declined', event: 'declined', public: true },
  note: { from: OPEN_STATUSES, event: 'note', public: false },
  dispose: { from: ['accepted', 'in_progress'], to: 'in_progress', event: 'disposed', public: false },
  transfer: { from: ['received', 'accepted'], to: 'transferred', event: 'transferred', public: true },
  escalate: { from: OPEN_STATUSES, event: 'escalated', public: true },
  conclude: { from: ['accepted', 'in_progress'], to: 'concluded', event: 'concluded', public: true },
};

/** The case record is kept in Chinese (it is the commission's file), whatever the page's language. */
const zh = translator('zh-CN');

/**
 * accept — the case is taken up; decline — not taken up, with the reason the citizen sees;
 * note — an internal note (never shown to the citizen); dispose — how the clue is disposed of
 * (internal); transfer — handed to another body, named to the citizen; escalate (提级) — moved to
 * the commission one level up; conclude — the public reply, closing the case.
 */
export async function actOnComplaint(db: Db, actor: Actor, input: { complaintId: string; action: ConsoleAction; text?: string }): Promise<Result> {
  const parsed = ConsoleInput.safeParse({ action: input.action, text: input.text ?? '' });
  if (!parsed.success) return fail({ text: parsed.error.issues[0]!.message });
  const { action } = parsed.data;
  const step = STEPS[action];
  const id = input.complaintId;
  return db.transaction(async (tx) => {
    const current = (await lockReachable(tx, actor, [id])).get(id);
    if (!current) return caseNotFound();
    if (!step.from.includes(current.status)) return fail({ form: STATE_CHANGED });
    const escalatedTo = action === 'escalate' ? escalationTarget(current.routedScopeCode) : undefined;
    await tx
      .update(complaints)
      .set({
        status: step.to ?? current.status,
        ...(parsed.data.action === 'conclude' ? { publicReply: parsed.data.text } : {}),
        ...(parsed.data.action === 'dispose' ? { disposal: parsed.data.text } : {}),
        ...(escalatedTo ? { routedScopeCode: escalatedTo, assigneeId: null } : {}),
      })
      .where(eq(complaints.id, id));
    await recordEvent(tx, { complaintId: id, actorId: actor.id, kind: step.event, public: step.public, text: eventText(parsed.data) });
    if (parsed.data.action === 'escalate') {
      await recordEvent(tx, { complaintId: id, actorId: actor.id, kind: 'note', public: false, text: `提级理由：${parsed.data.text}` });
    }
    await recordAudit(tx, {
      actor,
      action: `complaint.${action}`,
      subjectType: 'complaint',
      subjectId: id,
      scopeCode: current.routedScopeCode,
      ...(parsed.data.action === 'escalate' ? { reason: parsed.data.text, detail: { to: escalatedTo } } : {}),
    });
    return ok();
  });
}

/** The text of the step's history entry: the citizen learns that a case moved up, not why. */
function eventText(input: z.infer<typeof ConsoleInput>): string | null {
  switch (input.action) {
    case 'accept':
    case 'escalate':
      return null;
    case 'dispose':
      return zh(disposalKey(input.text));
    default:
      return input.text;
  }
}

const RevealInput = z.object({ reason: z.string().trim().min(10, '查看实名信息须写明理由（至少10个字），将记入审计日志') });

/**
 * Shows a real-name reporter's identity to the handling commission: a deliberate act with a
 * reason, recorded in the audit log every time. Nothing is stored decrypted.
 */
export async function revealIdentity(db: Db, actor: Actor, input: { complaintId: string; reason: string }): Promise<Result<{ name: string; phone: string }>> {
  const parsed = RevealInput.safeParse(input);
  if (!parsed.success) return fail({ reason: parsed.error.issues[0]!.message });
  const id = input.complaintId;
  return db.transaction(async (tx) => {
    const current = (await lockReachable(tx, actor, [id], 'share')).get(id);
    if (!current) return caseNotFound();
    const [row] = await tx.select({ ciphertext: complaintIdentities.ciphertext }).from(complaintIdentities).where(eq(complaintIdentities.complaintId, id));
    if (!row) return fail({ form: '该案件为匿名反映，没有实名信息' });
    await recordAudit(tx, { actor, action: 'complaint.identityRevealed', subjectType: 'complaint', subjectId: id, scopeCode: current.routedScopeCode, reason: parsed.data.reason });
    return ok(decryptJson<{ name: string; phone: string }>(getConfig().complaintKey, row.ciphertext));
  });
}

export interface CaseView {
  areaName: string | undefined;
  files: ComplaintAttachmentInfo[];
  deadline: Deadline | null;
  /** Likely duplicates the actor may handle (none once the case is closed or merged). */
  duplicates: DuplicateCandidate[];
  /** The zones of the county the case is routed to, for assigning it. */
  zones: ZoneRow[];
}

/** What the case page shows besides the case and its history. */
export async function loadCaseView(db: DbOrTx, actor: Actor, complaint: ComplaintRow): Promise<CaseView> {
  const [area, files, duplicates, zoneList] = await Promise.all([
    getArea(db, complaint.areaCode),
    listComplaintAttachments(db, complaint.id),
    complaint.mergedIntoId || !OPEN_STATUSES.includes(complaint.status) ? [] : findLikelyDuplicates(db, actor, complaint),
    listZones(db, complaint.routedScopeCode),
  ]);
  return { areaName: area?.name, files, deadline: nextDeadline(complaint), duplicates, zones: zoneList };
}

export type ComplaintAttachmentInfo = { id: string; mime: string; sizeBytes: number; stripped: boolean; hasOriginal: boolean };

export async function listComplaintAttachments(db: DbOrTx, complaintId: string): Promise<ComplaintAttachmentInfo[]> {
  const rows = await db
    .select({ id: attachments.id, mime: attachments.mime, sizeBytes: attachments.sizeBytes, stripped: attachments.stripped, hasOriginal: sql<boolean>`${attachments.originalCiphertext} is not null` })
    .from(attachments)
    .where(eq(attachments.complaintId, complaintId))
    .orderBy(asc(attachments.id));
  return rows;
}

/**
 * An attachment of a case, as stored (metadata removed), or — deliberately, audited in the same
 * transaction as the reach check — the original the reporter asked to keep as evidence.
 */
export async function openComplaintAttachment(
  db: Db,
  actor: Actor,
  input: { complaintId: string; attachmentId: string; original: boolean },
): Promise<Result<{ mime: string; bytes: Uint8Array; id: string }>> {
  const { complaintId, attachmentId, original } = input;
  const missing = { form: '没有找到该附件' };
  if (!/^[0-9a-f-]{36}$/.test(attachmentId)) return caseNotFound(missing);
  return db.transaction(async (tx) => {
    const complaint = (await lockReachable(tx, actor, [complaintId], 'share')).get(complaintId);
    if (!complaint) return caseNotFound(missing);
    const [row] = await tx.select().from(attachments).where(and(eq(attachments.id, attachmentId), eq(attachments.complaintId, complaintId)));
    if (!row || (original && !row.originalCiphertext)) return caseNotFound(missing);
    if (!original) return ok({ mime: row.mime, bytes: row.bytes, id: row.id });
    await recordAudit(tx, { actor, action: 'complaint.originalOpened', subjectType: 'complaint', subjectId: complaintId, scopeCode: complaint.routedScopeCode, detail: { attachment: attachmentId } });
    return ok({ mime: row.mime, bytes: decryptBytes(getConfig().complaintKey, row.originalCiphertext!), id: row.id });
  });
}

export interface DuplicateCandidate {
  id: string;
  title: string;
  filedOn: string;
  status: ComplaintRow['status'];
  similarity: number;
}

/**
 * Likely duplicates of a case: other open cases of the same commission about the same place
 * (or the same village), filed within half a year, whose text is similar (pg_trgm similarity) —
 * and only cases the actor may handle: a township commission is never shown the title or date of
 * a case that was not handed down to it.
 */
export async function findLikelyDuplicates(db: DbOrTx, actor: Actor, complaint: ComplaintRow): Promise<DuplicateCandidate[]> {
  const rows = await queryRows<{ id: string; title: string; filed_on: string; status: ComplaintRow['status']; similarity: number }>(
    db,
    sql`select id, title, filed_on, status, similarity(title || ' ' || content, ${complaint.title + ' ' + complaint.content}) as similarity
          from complaints
         where id <> ${complaint.id}
           and ${complaintReachSql(actor, complaints)}
           and merged_into_id is null
           and routed_scope_code = ${complaint.routedScopeCode}
           and (area_code = ${complaint.areaCode} or (village_code is not null and village_code = ${complaint.villageCode ?? ''}))
           and filed_on >= (${complaint.filedOn}::date - 183)
           and similarity(title || ' ' || content, ${complaint.title + ' ' + complaint.content}) > 0.25
         order by similarity desc
         limit 5`,
  );
  return rows.map((row) => ({ id: row.id, title: row.title, filedOn: row.filed_on, status: row.status, similarity: Number(row.similarity) }));
}

/**
 * Merges a case into another about the same matter: the merged case keeps its record and history,
 * points at the other, and its reporter is told it is handled together with the same matter.
 * Both cases must be within the actor's reach; otherwise the answer is the same as for a case
 * that does not exist, so a refused merge reveals nothing about the other case.
 */
export async function mergeComplaint(db: Db, actor: Actor, input: { complaintId: string; intoId: string }): Promise<Result> {
  const { complaintId: id, intoId } = input;
  if (id === intoId) return fail({ form: '不能与自身合并' });
  return db.transaction(async (tx) => {
    const reachable = await lockReachable(tx, actor, [id, intoId]);
    const current = reachable.get(id);
    const target = reachable.get(intoId);
    if (!current || !target) return caseNotFound({ form: '没有找到要并入的案件，请从提示的相似案件中选择' });
    if (target.routedScopeCode !== current.routedScopeCode || target.mergedIntoId) return fail({ form: '只能并入本机关办理中的其他案件' });
    if (current.mergedIntoId || !OPEN_STATUSES.includes(current.status)) return fail({ form: '该案件已办结或已合并' });
    await tx.update(complaints).set({ mergedIntoId: intoId, status: 'transferred' }).where(eq(complaints.id, id));
    await recordEvent(tx, { complaintId: id, actorId: actor.id, kind: 'merged', public: true, text: '与反映同一问题的其他来信合并办理' });
    await recordEvent(tx, { complaintId: intoId, actorId: actor.id, kind: 'note', public: false, text: `并入案件：${current.title}（${current.filedOn}）` });
    await recordAudit(tx, { actor, action: 'complaint.merged', subjectType: 'complaint', subjectId: id, scopeCode: current.routedScopeCode, detail: { into: intoId } });
    return ok();
  });
}
