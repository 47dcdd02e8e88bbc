/**
 * The commission console: the queue of cases routed to a commission and the commands that move a
 * case along. Every command writes a case event (public when the citizen should see it) and an
 * audit entry, in one transaction. The page asks `complaint.handle` first; every command and
 * every list here also applies the permission module's rule itself (`complaintReachSql`), so a
 * case outside the actor's reach is "not found" whichever way it is reached — a merge target or a
 * suggested duplicate included.
 */
import { and, asc, desc, eq, gte, inArray, isNull, lt, sql, type SQL } from 'drizzle-orm';
import { attachments } from '../../../../db/schema/attachments.ts';
import { getConfig } from '../config.ts';
import { decryptBytes, decryptJson } from './crypto.ts';
import { complaintEvents, complaintIdentities, complaints, DISPOSALS, type ComplaintEventRow, type ComplaintRow } from '../../../../db/schema/complaints.ts';
import { toCsv, type CsvColumn } from '../spreadsheet.ts';
import { CATEGORY_LABELS } from './model.ts';
import { escalationTarget } from './routing.ts';
import { areas } from '../../../../db/schema/areas.ts';
import { recordAudit } from '../audit.ts';
import { subtreeRange } from '../areas/codes.ts';
import { complaintReachSql, type Actor } from '../auth/permissions.ts';
import { queryRows, type Db, type DbOrTx } from '../db.ts';
import { todayInShanghai } from '../time.ts';

export interface ConsoleActor extends Actor {
  username: string;
}

export interface QueueEntry {
  complaint: Omit<ComplaintRow, 'content'>;
  areaName: string;
}

/** Cases for this commission: routed into its subtree, or (township commissions) assigned to it. */
export interface QueueFilter {
  status?: ComplaintRow['status'];
  category?: ComplaintRow['category'];
  zoneId?: string;
  /** A township or village: cases about that place (and below it). */
  areaCode?: string;
}

export async function listComplaintQueue(db: DbOrTx, actor: Actor, filter: QueueFilter = {}): Promise<QueueEntry[]> {
  const conditions: SQL[] = [complaintReachSql(actor, complaints)];
  if (filter.status) conditions.push(eq(complaints.status, filter.status));
  if (filter.category) conditions.push(eq(complaints.category, filter.category));
  if (filter.zoneId) conditions.push(eq(complaints.zoneId, filter.zoneId));
  if (filter.areaCode) {
    const { from, to } = subtreeRange(filter.areaCode);
    conditions.push(gte(complaints.areaCode, from), lt(complaints.areaCode, to));
  }
  const rows = await db
    .select({ complaint: complaints, areaName: areas.name })
    .from(complaints)
    .innerJoin(areas, eq(areas.code, complaints.areaCode))
    .where(and(...conditions, isNull(complaints.mergedIntoId)))
    // Real-name cases first: the rules give them priority (they are owed an answer).
    .orderBy(asc(complaints.anonymous), desc(complaints.filedOn))
    .limit(500);
  return rows.map(({ complaint: { content: _content, ...rest }, areaName }) => ({ complaint: rest, areaName }));
}

export async function getComplaint(db: DbOrTx, id: string): Promise<{ complaint: ComplaintRow; events: ComplaintEventRow[] } | undefined> {
  if (!/^[0-9a-f-]{36}$/.test(id)) return undefined;
  const [complaint] = await db.select().from(complaints).where(eq(complaints.id, id));
  if (!complaint) return undefined;
  const events = await db.select().from(complaintEvents).where(eq(complaintEvents.complaintId, id)).orderBy(asc(complaintEvents.seq));
  return { complaint, events };
}

/** `notFound`: no such case within the actor's reach — the page answers 404 and says nothing more. */
export type ConsoleResult = { ok: true } | { ok: false; errors: Record<string, string>; notFound?: true };

function notFound() {
  return { ok: false as const, notFound: true as const, errors: { form: '没有找到该案件' } };
}

/**
 * The cases among `ids` that the actor may handle, locked for the transaction (in id order, so two
 * commands locking the same pair cannot deadlock).
 */
async function reachableForUpdate(tx: DbOrTx, actor: Actor, ids: string[]): Promise<Map<string, ComplaintRow>> {
  const wellFormed = ids.filter((id) => /^[0-9a-f-]{36}$/.test(id));
  if (!wellFormed.length) return new Map();
  const rows = await tx
    .select()
    .from(complaints)
    .where(and(inArray(complaints.id, wellFormed), complaintReachSql(actor, complaints)))
    .orderBy(asc(complaints.id))
    .for('update');
  return new Map(rows.map((row) => [row.id, row]));
}

const ALLOWED: Record<ConsoleAction, ComplaintRow['status'][]> = {
  accept: ['received'],
  decline: ['received'],
  note: ['received', 'accepted', 'in_progress'],
  dispose: ['accepted', 'in_progress'],
  transfer: ['received', 'accepted'],
  escalate: ['received', 'accepted', 'in_progress'],
  conclude: ['accepted', 'in_progress'],
};

export type ConsoleAction = 'accept' | 'decline' | 'note' | 'dispose' | 'transfer' | 'escalate' | 'conclude';

export const DISPOSAL_LABELS: Record<(typeof DISPOSALS)[number], string> = {
  talk_inquiry: '谈话函询',
  preliminary_check: '初步核实',
  shelve: '暂存待查',
  close: '予以了结',
  open_case: '立案审查调查',
};

/**
 * accept — the case is taken up; decline — not taken up, with the reason the citizen sees;
 * note — an internal note (never shown to the citizen); dispose — how the clue is disposed of
 * (internal); transfer — handed to another body, named to the citizen; escalate (提级) — moved to
 * the commission one level up; conclude — the public reply, closing the case.
 */
export async function actOnComplaint(db: Db, actor: ConsoleActor, id: string, action: ConsoleAction, text: string): Promise<ConsoleResult> {
  const trimmed = text.trim();
  if ((action === 'decline' || action === 'conclude') && trimmed.length < 10) {
    return { ok: false, errors: { text: action === 'decline' ? '请写明不予受理的理由（至少10个字），反映人会看到' : '请写明办理结果的答复（至少10个字），反映人会看到' } };
  }
  if (action === 'note' && trimmed.length < 2) return { ok: false, errors: { text: '请填写备注内容' } };
  if (action === 'transfer' && trimmed.length < 4) return { ok: false, errors: { text: '请写明转交给哪个单位办理，反映人会看到' } };
  if (action === 'escalate' && trimmed.length < 10) return { ok: false, errors: { text: '请写明提级办理的理由（至少10个字）' } };
  if (action === 'dispose' && !(DISPOSALS as readonly string[]).includes(trimmed)) return { ok: false, errors: { text: '请选择处置方式' } };
  if (trimmed.length > 5000) return { ok: false, errors: { text: '内容不超过5000字' } };
  return db.transaction(async (tx) => {
    const current = (await reachableForUpdate(tx, actor, [id])).get(id);
    if (!current) return notFound();
    if (!ALLOWED[action].includes(current.status)) return { ok: false as const, errors: { form: '案件状态已经改变，请刷新页面' } };
    const status: ComplaintRow['status'] =
      action === 'accept' ? 'accepted' : action === 'decline' ? 'declined' : action === 'conclude' ? 'concluded' : action === 'transfer' ? 'transferred' : action === 'dispose' ? 'in_progress' : current.status;
    const escalatedTo = action === 'escalate' ? escalationTarget(current.routedScopeCode) : undefined;
    await tx
      .update(complaints)
      .set({
        status,
        ...(action === 'conclude' ? { publicReply: trimmed } : {}),
        ...(action === 'dispose' ? { disposal: trimmed as (typeof DISPOSALS)[number] } : {}),
        ...(escalatedTo ? { routedScopeCode: escalatedTo, assigneeId: null } : {}),
      })
      .where(eq(complaints.id, id));
    const isPublic = action !== 'note' && action !== 'dispose';
    await tx.insert(complaintEvents).values({
      complaintId: id,
      on: todayInShanghai(),
      actorId: actor.id,
      kind: action === 'note' ? 'note' : action === 'dispose' ? 'disposed' : action === 'escalate' ? 'escalated' : status,
      public: isPublic,
      // The citizen learns that the case moved up, not the commission's internal reasoning.
      text: action === 'accept' ? null : action === 'escalate' ? null : action === 'dispose' ? DISPOSAL_LABELS[trimmed as (typeof DISPOSALS)[number]] : trimmed,
    });
    if (action === 'escalate') {
      await tx.insert(complaintEvents).values({ complaintId: id, on: todayInShanghai(), actorId: actor.id, kind: 'note', public: false, text: `提级理由：${trimmed}` });
    }
    await recordAudit(tx, {
      actor,
      action: `complaint.${action}`,
      subjectType: 'complaint',
      subjectId: id,
      scopeCode: current.routedScopeCode,
      ...(action === 'escalate' ? { reason: trimmed, detail: { to: escalatedTo } } : {}),
    });
    return { ok: true as const };
  });
}

/**
 * Shows a real-name reporter's identity to the handling commission: a deliberate act with a
 * reason, recorded in the audit log every time. Nothing is stored decrypted.
 */
export async function revealIdentity(
  db: Db,
  actor: ConsoleActor,
  id: string,
  reason: string,
): Promise<{ ok: true; identity: { name: string; phone: string } } | { ok: false; errors: Record<string, string>; notFound?: true }> {
  if (reason.trim().length < 10) return { ok: false, errors: { reason: '查看实名信息须写明理由（至少10个字），将记入审计日志' } };
  const [reachable] = await db.select({ id: complaints.id }).from(complaints).where(and(eq(complaints.id, id), complaintReachSql(actor, complaints)));
  if (!reachable) return notFound();
  const [row] = await db
    .select({ ciphertext: complaintIdentities.ciphertext, routedScopeCode: complaints.routedScopeCode })
    .from(complaintIdentities)
    .innerJoin(complaints, eq(complaints.id, complaintIdentities.complaintId))
    .where(eq(complaintIdentities.complaintId, id));
  if (!row) return { ok: false, errors: { form: '该案件为匿名反映，没有实名信息' } };
  await recordAudit(db, { actor, action: 'complaint.identityRevealed', subjectType: 'complaint', subjectId: id, scopeCode: row.routedScopeCode, reason: reason.trim() });
  return { ok: true, identity: decryptJson<{ name: string; phone: string }>(getConfig().complaintKey, row.ciphertext) };
}

/**
 * The queue as CSV for the commission's own records. Never any reporter identity, not even when
 * revealed. Titles are the citizen's text: `toCsv` neutralises formula-looking ones.
 */
export function queueCsv(queue: QueueEntry[]): string {
  return toCsv(queue, QUEUE_CSV_COLUMNS);
}

const QUEUE_CSV_COLUMNS: CsvColumn<QueueEntry>[] = [
  { header: '登记日期', value: ({ complaint }) => complaint.filedOn },
  { header: '标题', value: ({ complaint }) => complaint.title },
  { header: '类别', value: ({ complaint }) => CATEGORY_LABELS[complaint.category] },
  { header: '地点', value: ({ areaName }) => areaName },
  { header: '状态', value: ({ complaint }) => STATUS_LABELS[complaint.status] },
  { header: '实名', value: ({ complaint }) => (complaint.anonymous ? '否' : '是') },
  { header: '处置方式', value: ({ complaint }) => (complaint.disposal ? DISPOSAL_LABELS[complaint.disposal] : '') },
];

const STATUS_LABELS: Record<ComplaintRow['status'], string> = {
  received: '已收到',
  accepted: '已受理',
  declined: '不予受理',
  transferred: '已转办',
  in_progress: '办理中',
  concluded: '已办结',
};
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
  const [complaint] = await db.select({ routedScopeCode: complaints.routedScopeCode }).from(complaints).where(and(eq(complaints.id, complaintId), complaintReachSql(actor, complaints)));
  if (!complaint) return undefined;
  const [row] = await db.select().from(attachments).where(and(eq(attachments.id, attachmentId), eq(attachments.complaintId, complaintId)));
  if (!row) return undefined;
  if (!original) return { mime: row.mime, bytes: row.bytes, id: row.id };
  if (!row.originalCiphertext) return undefined;
  await recordAudit(db, {
    actor,
    action: 'complaint.originalOpened',
    subjectType: 'complaint',
    subjectId: complaintId,
    scopeCode: complaint.routedScopeCode,
    detail: { attachment: attachmentId },
  });
  return { mime: row.mime, bytes: decryptBytes(getConfig().complaintKey, row.originalCiphertext), id: row.id };
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
export async function mergeComplaint(db: Db, actor: ConsoleActor, id: string, intoId: string): Promise<ConsoleResult> {
  if (id === intoId) return { ok: false, errors: { merge: '不能与自身合并' } };
  return db.transaction(async (tx) => {
    const reachable = await reachableForUpdate(tx, actor, [id, intoId]);
    const current = reachable.get(id);
    const target = reachable.get(intoId);
    if (!current || !target) return { ...notFound(), errors: { merge: '没有找到要并入的案件，请从提示的相似案件中选择' } };
    if (target.routedScopeCode !== current.routedScopeCode || target.mergedIntoId) return { ok: false as const, errors: { merge: '只能并入本机关办理中的其他案件' } };
    if (current.mergedIntoId || !['received', 'accepted', 'in_progress'].includes(current.status)) return { ok: false as const, errors: { merge: '该案件已办结或已合并' } };
    await tx.update(complaints).set({ mergedIntoId: intoId, status: 'transferred' }).where(eq(complaints.id, id));
    await tx.insert(complaintEvents).values([
      { complaintId: id, on: todayInShanghai(), actorId: actor.id, kind: 'merged', public: true, text: '与反映同一问题的其他来信合并办理' },
      { complaintId: intoId, on: todayInShanghai(), actorId: actor.id, kind: 'note', public: false, text: `并入案件：${current.title}（${current.filedOn}）` },
    ]);
    await recordAudit(tx, { actor, action: 'complaint.merged', subjectType: 'complaint', subjectId: id, scopeCode: current.routedScopeCode, detail: { into: intoId } });
    return { ok: true as const };
  });
}
