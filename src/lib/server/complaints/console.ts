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
import { complaintProposals, complaintReferrals, type ComplaintDepartmentRow, type ComplaintObjectionRow, type ComplaintProposalRow, type ComplaintReferralRow } from '../../../../db/schema/complaint-casework.ts';
import { complaints, type ComplaintRow, type ZoneRow } from '../../../../db/schema/complaints.ts';
import { getArea, listChildren } from '../areas/index.ts';
import { levelOfCode } from '../areas/codes.ts';
import { recordAudit } from '../audit.ts';
import { can, complaintReachSql, isAboutTownshipLeadership, type Action } from '../auth/permissions.ts';
import { getConfig } from '../config.ts';
import { queryRows, type Db, type DbOrTx } from '../db.ts';
import { fail, ok, type Actor, type Result } from '../result.ts';
import { todayInShanghai } from '../time.ts';
import { caseNotFound, caseResource, lockReachable, OPEN_STATUSES, recordEvent, STATE_CHANGED } from './cases.ts';
import { forwardTargets, listHandlers, openReferral } from './casework.ts';
import { decryptBytes } from './crypto.ts';
import { caseDeadlines, forwardDue, type Deadline } from './deadlines.ts';
import { listDepartments } from './departments.ts';
import { loadCaseHistory, type HistoryStep } from './history.ts';
import type { ComplaintEventKind } from './labels.ts';
import { listObjections } from './objections.ts';
import { listProposals } from './proposals.ts';
import { escalationTarget } from './routing.ts';
import { listZones } from './zones.ts';
import { notify } from '../notify/inbox.ts';
import { activeDesignation, complaintVillage } from '../supervision/escalated.ts';

/**
 * The steps one person takes alone. Declining, the disposal and the conclusion are proposals that
 * an approver decides (proposals.ts); forwarding, hand-down and transfer are in casework.ts.
 */
export type ConsoleAction = 'accept' | 'note' | 'escalate' | 'interim' | 'answer';

const text = (min: number, message: string) => z.string().trim().min(min, message).max(5000, '内容不超过5000字');

/** What each step asks of its text (the reason, the reply, the body it goes to …). */
const ConsoleInput = z.discriminatedUnion('action', [
  z.object({ action: z.literal('accept'), text: z.string().optional() }),
  z.object({ action: z.literal('note'), text: text(2, '请填写备注内容') }),
  z.object({ action: z.literal('escalate'), text: text(10, '请写明提级办理的理由（至少10个字）') }),
  z.object({ action: z.literal('interim'), text: text(10, '请写明阶段性答复的内容（至少10个字），反映人会看到') }),
  z.object({ action: z.literal('answer'), text: text(10, '请写明给反映人的答复（至少10个字），反映人会看到') }),
]);

interface Step {
  /** The statuses the step may be taken from, checked inside the lock. */
  from: readonly ComplaintRow['status'][];
  /** The status afterwards (unchanged when absent). */
  to?: ComplaintRow['status'];
  event: ComplaintEventKind;
  /** Shown on the citizen's timeline. */
  public: boolean;
  /** Who may take it: the holding commission, or (a note) a township working a hand-down too. */
  permission: Action;
}

const STEPS: Record<ConsoleAction, Step> = {
  accept: { from: ['received'], to: 'accepted', event: 'accepted', public: true, permission: 'complaint.manage' },
  note: { from: OPEN_STATUSES, event: 'note', public: false, permission: 'complaint.handle' },
  escalate: { from: OPEN_STATUSES, event: 'escalated', public: true, permission: 'complaint.manage' },
  // 阶段性答复: the reporter hears how far the case has got, at any time while it is open.
  interim: { from: OPEN_STATUSES, event: 'interimReply', public: true, permission: 'complaint.manage' },
  // The reply to the reporter, once the conclusion is approved (its own step, issue 11 item 5).
  answer: { from: ['concluded'], event: 'replied', public: true, permission: 'complaint.manage' },
};

/**
 * accept — the case is taken up; note — an internal note (never shown to the citizen); escalate
 * (提级) — moved to the commission one level up, arriving there today (its limits count from then),
 * without its handler, hand-down or pending proposals, which were this commission's; interim — a
 * reply to the reporter on the way (阶段性答复), shown on their timeline; answer — the reply to the
 * reporter once the conclusion is approved, once per conclusion.
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
    if (!can(actor, step.permission, caseResource(current))) return fail({ form: '您不能在该案件上进行这一步' }, 403);
    if (!step.from.includes(current.status) || current.mergedIntoId) return fail({ form: STATE_CHANGED });
    if (action === 'answer' && current.publicReply) return fail({ form: '已经答复反映人' });
    const escalatedTo = action === 'escalate' ? escalationTarget(current.routedScopeCode) : undefined;
    if (escalatedTo) {
      if (await openReferral(tx, id)) return fail({ form: '该案件已交办或转办，尚未办结，不能提级' });
      await tx
        .update(complaintProposals)
        .set({ state: 'withdrawn', decidedOn: todayInShanghai() })
        .where(and(eq(complaintProposals.complaintId, id), eq(complaintProposals.state, 'pending')));
    }
    await tx
      .update(complaints)
      .set({
        status: step.to ?? current.status,
        ...(parsed.data.action === 'answer' ? { publicReply: parsed.data.text } : {}),
        ...(escalatedTo ? { routedScopeCode: escalatedTo, arrivedOn: todayInShanghai(), assigneeId: null, handedDownTo: null, zoneId: null } : {}),
      })
      .where(eq(complaints.id, id));
    await recordEvent(tx, { complaintId: id, actorId: actor.id, kind: step.event, public: step.public, text: eventText(parsed.data) });
    if (parsed.data.action === 'escalate') {
      await recordEvent(tx, { complaintId: id, actorId: actor.id, kind: 'note', public: false, text: `提级理由：${parsed.data.text}` });
      if (escalatedTo && escalatedTo !== current.routedScopeCode) {
        // The sender's trace of it (history.ts): closed when made, no limit of its own.
        const today = todayInShanghai();
        await tx.insert(complaintReferrals).values({ id: crypto.randomUUID(), complaintId: id, kind: 'escalate', fromScopeCode: current.routedScopeCode, toScopeCode: escalatedTo, sentBy: actor.id, sentOn: today, dueOn: today, state: 'closed', report: parsed.data.text, closedOn: today });
        await notify(tx, { complaintId: id, kind: 'forwarded', to: { commission: escalatedTo } });
      }
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
  return input.action === 'note' || input.action === 'interim' || input.action === 'answer' ? input.text : null;
}

export interface CaseView {
  areaName: string | undefined;
  files: ComplaintAttachmentInfo[];
  /** Every deadline the case faces now, earliest first (the first is the next one). */
  deadlines: Deadline[];
  /** For a case not yet accepted: the last day to forward it, should it not be this commission's. */
  forwardBy: string | null;
  /** Likely duplicates the actor may handle (none once the case is closed or merged). */
  duplicates: DuplicateCandidate[];
  /** The zones of the county the case is routed to, for assigning it. */
  zones: ZoneRow[];
  /** The open hand-down or transfer, and the department of a transfer. */
  referral: (ComplaintReferralRow & { departmentName: string | null; townshipName: string | null }) | null;
  proposals: ComplaintProposalRow[];
  /** The reporter's objections (异议), newest first. */
  objections: ComplaintObjectionRow[];
  /** What the actor may do here (the commands ask again inside their locks). */
  may: Record<'manage' | 'report' | 'propose' | 'supervise', boolean>;
  /** Whether the actor's account holds approval rights (read from the account, not the session). */
  approver: boolean;
  /** The holding commission's accounts, for naming the handler. */
  handlers: Array<{ id: string; displayName: string; approver: boolean }>;
  /** The history with each staff step's minute and officer (internal only; history.ts). */
  history: HistoryStep[];
  /** Everyone who took a step on the case or decided a proposal, for naming them (internal only). */
  officers: Array<{ id: string; displayName: string }>;
  forwardTargets: Array<{ code: string; name: string }>;
  /** Townships the case may be handed down to (never the one whose leadership it is about; none when its village is under escalated supervision). */
  townships: Array<{ code: string; name: string }>;
  /** The case's village is under escalated supervision (提级监督): it stays with the county. */
  escalated: boolean;
  departments: ComplaintDepartmentRow[];
}

/** What the case page shows besides the case and its history. */
export async function loadCaseView(db: DbOrTx, actor: Actor, complaint: ComplaintRow): Promise<CaseView> {
  const county = levelOfCode(complaint.routedScopeCode) === 'county' ? complaint.routedScopeCode : null;
  const [area, files, duplicates, zoneList, referral, proposals, objections, handlers, targets, townships, departments, account, officers, history] = await Promise.all([
    getArea(db, complaint.areaCode),
    listComplaintAttachments(db, complaint.id),
    complaint.mergedIntoId || !OPEN_STATUSES.includes(complaint.status) ? [] : findLikelyDuplicates(db, actor, complaint),
    listZones(db, complaint.routedScopeCode),
    openReferral(db, complaint.id, { lock: false }),
    listProposals(db, complaint.id),
    listObjections(db, complaint.id),
    listHandlers(db, complaint.routedScopeCode),
    forwardTargets(db, complaint.routedScopeCode),
    county ? listChildren(db, county) : [],
    county ? listDepartments(db, county, { activeOnly: true }) : [],
    queryRows<{ approver: boolean }>(db, sql`select approver from users where id = ${actor.id} and disabled_at is null`),
    queryRows<{ id: string; display_name: string }>(
      db,
      sql`select id, display_name from users where id in (
            select actor_id from complaint_events where complaint_id = ${complaint.id}
            union select proposed_by from complaint_proposals where complaint_id = ${complaint.id}
            union select decided_by from complaint_proposals where complaint_id = ${complaint.id})`,
    ),
    loadCaseHistory(db, complaint.id),
  ]);
  const village = complaintVillage(complaint);
  const escalated = village ? !!(await activeDesignation(db, village)) : false;
  const resource = caseResource(complaint);
  const named = async (row: ComplaintReferralRow | undefined) => {
    if (!row) return null;
    const department = row.departmentId ? departments.find((d) => d.id === row.departmentId)?.name ?? (await listDepartments(db, county ?? '')).find((d) => d.id === row.departmentId)?.name ?? null : null;
    const township = row.kind === 'hand_down' && row.toScopeCode ? (await getArea(db, row.toScopeCode))?.name ?? null : null;
    return { ...row, departmentName: department, townshipName: township };
  };
  return {
    areaName: area?.name,
    files,
    deadlines: caseDeadlines(complaint, referral, undefined, objections.find((objection) => objection.state === 'open')),
    forwardBy: complaint.status === 'received' ? forwardDue(complaint.arrivedOn) : null,
    duplicates,
    zones: zoneList,
    referral: await named(referral),
    proposals,
    objections,
    may: {
      manage: can(actor, 'complaint.manage', resource),
      report: can(actor, 'complaint.report', resource),
      propose: can(actor, 'complaint.propose', resource),
      supervise: can(actor, 'complaint.supervise', resource),
    },
    approver: account[0]?.approver === true,
    handlers,
    history,
    officers: officers.map((row) => ({ id: row.id, displayName: row.display_name })),
    forwardTargets: targets,
    escalated,
    townships: (escalated ? [] : townships)
      .filter((township) => township.level === 'township' && !isAboutTownshipLeadership(township.code, complaint))
      .map(({ code, name }) => ({ code, name })),
    departments,
  };
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
    if (!can(actor, 'complaint.manage', caseResource(current)) || !can(actor, 'complaint.manage', caseResource(target))) return fail({ form: '只有办理这两个案件的纪委监委可以合并' }, 403);
    if (target.routedScopeCode !== current.routedScopeCode || target.mergedIntoId) return fail({ form: '只能并入本机关办理中的其他案件' });
    if (current.mergedIntoId || !OPEN_STATUSES.includes(current.status)) return fail({ form: '该案件已办结或已合并' });
    await tx.update(complaints).set({ mergedIntoId: intoId, status: 'transferred' }).where(eq(complaints.id, id));
    await recordEvent(tx, { complaintId: id, actorId: actor.id, kind: 'merged', public: true, text: '与反映同一问题的其他来信合并办理' });
    await recordEvent(tx, { complaintId: intoId, actorId: actor.id, kind: 'note', public: false, text: `并入案件：${current.title}（${current.filedOn}）` });
    await recordAudit(tx, { actor, action: 'complaint.merged', subjectType: 'complaint', subjectId: id, scopeCode: current.routedScopeCode, detail: { into: intoId } });
    return ok();
  });
}
