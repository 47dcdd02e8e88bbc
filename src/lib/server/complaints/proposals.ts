/**
 * The two-person rule (DESIGN.md §2, issue 11 item 4): declining a complaint, the disposal of a
 * clue, the conclusion and releasing a real-name reporter's identity are proposed by the case's
 * handler (承办人) and take effect only when a commission user of the same commission with approval
 * rights (users.approver), who is neither the handler nor the proposer, approves them (集体研究/报批).
 * The approver's right is read from the account inside the transaction, so a right withdrawn a
 * moment ago no longer counts; the database refuses a proposal decided by its own proposer too.
 */
import { and, desc, eq } from 'drizzle-orm';
import { z } from 'zod';
import { users } from '../../../../db/schema/auth.ts';
import { complaintProposals, PROPOSAL_KINDS, type ComplaintProposalRow } from '../../../../db/schema/complaint-casework.ts';
import { complaintIdentities, complaints, DISPOSALS, FINDINGS, MEASURES, type ComplaintRow } from '../../../../db/schema/complaints.ts';
import { translator } from '../../../i18n/index.ts';
import { recordAudit } from '../audit.ts';
import { can, type Actor as PermissionActor } from '../auth/permissions.ts';
import { getConfig } from '../config.ts';
import type { Db, DbOrTx } from '../db.ts';
import { fail, ok, type Actor, type Result } from '../result.ts';
import { todayInShanghai } from '../time.ts';
import { caseNotFound, caseResource, lockReachable, recordEvent, STATE_CHANGED } from './cases.ts';
import { openReferral } from './casework.ts';
import { decryptJson } from './crypto.ts';
import { disposalKey, findingKey, proposalKindKey } from './labels.ts';
import { notify } from '../notify/inbox.ts';

export type ProposalKind = (typeof PROPOSAL_KINDS)[number];

const text = (min: number, message: string) => z.string().trim().min(min, message).max(5000, '内容不超过5000字');

/** What each kind of proposal asks of its fields: `value` is what is decided, `reason` why. */
const ProposalInput = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('decline'), value: text(10, '请写明不予受理的理由（至少10个字），反映人会看到'), reason: z.string().optional() }),
  z.object({ kind: z.literal('dispose'), value: z.enum(DISPOSALS, { message: '请选择处置方式' }), reason: z.string().trim().max(5000).optional() }),
  z.object({
    kind: z.literal('conclude'),
    value: z.enum(FINDINGS, { message: '请选择核实结论（属实、部分属实、不属实或无法查实）' }),
    measures: z.array(z.enum(MEASURES, { message: '请从列表中选择处理措施' })).default([]),
    measuresNote: z.string().trim().max(5000, '内容不超过5000字').optional(),
    reason: z.string().optional(),
  }),
  z.object({ kind: z.literal('reveal'), value: z.string().optional(), reason: text(10, '查看实名信息须写明理由（至少10个字），审批人会看到，并记入审计日志') }),
]);

/** The case statuses each decision can be taken from (checked when proposed, and again when approved). */
const FROM: Record<ProposalKind, readonly ComplaintRow['status'][]> = {
  decline: ['received'],
  dispose: ['accepted', 'in_progress'],
  conclude: ['accepted', 'in_progress'],
  reveal: ['received', 'accepted', 'in_progress', 'declined', 'transferred', 'concluded'],
};

/** The case record is kept in Chinese (it is the commission's file), whatever the page's language. */
const zh = translator('zh-CN');

const errorField = (kind: ProposalKind) => (kind === 'reveal' ? 'reason' : kind === 'conclude' ? 'finding' : 'text');

/** Why the decision cannot be taken on the case as it is now, or null. */
async function blocked(tx: DbOrTx, kind: ProposalKind, current: ComplaintRow): Promise<string | null> {
  if (current.mergedIntoId || !FROM[kind].includes(current.status)) return STATE_CHANGED;
  if (kind === 'conclude' && (await openReferral(tx, current.id, { lock: false }))) return '交办或转办尚未办结，不能办结案件';
  if (kind === 'reveal') {
    const [identity] = await tx.select({ id: complaintIdentities.complaintId }).from(complaintIdentities).where(eq(complaintIdentities.complaintId, current.id));
    if (!identity) return '该案件为匿名反映，没有实名信息';
  }
  return null;
}

/** The handler proposes a decision; it waits for an approver. One pending proposal of a kind at a time. */
export async function propose(
  db: Db,
  actor: Actor,
  input: { complaintId: string; kind: string; value?: string; reason?: string; measures?: string[]; measuresNote?: string },
): Promise<Result<{ id: string }>> {
  const parsed = ProposalInput.safeParse({ kind: input.kind, value: input.value ?? '', reason: input.reason ?? '', measures: input.measures ?? [], measuresNote: input.measuresNote ?? '' });
  if (!parsed.success) {
    const kind = PROPOSAL_KINDS.find((candidate) => candidate === input.kind) ?? 'conclude';
    const issue = parsed.error.issues[0]!;
    const field = issue.path[0] === 'measuresNote' ? 'text' : issue.path[0] === 'measures' ? 'measures' : errorField(kind);
    return fail({ [field]: issue.message });
  }
  const proposal = parsed.data;
  return db.transaction(async (tx) => {
    const current = (await lockReachable(tx, actor, [input.complaintId])).get(input.complaintId);
    if (!current) return caseNotFound();
    if (!can(actor, 'complaint.propose', caseResource(current))) return fail({ form: '只有本案承办人可以提请审批' }, 403);
    const problem = await blocked(tx, proposal.kind, current);
    if (problem) return fail({ form: problem });
    const [pending] = await tx
      .select({ id: complaintProposals.id })
      .from(complaintProposals)
      .where(and(eq(complaintProposals.complaintId, current.id), eq(complaintProposals.kind, proposal.kind), eq(complaintProposals.state, 'pending')));
    if (pending) return fail({ form: '已有同类事项等待审批' });
    const id = crypto.randomUUID();
    const value = proposal.kind === 'reveal' ? null : proposal.value;
    const reason = proposal.reason?.trim() || null;
    const detail = proposal.kind === 'conclude' ? { measures: proposal.measures, measuresNote: proposal.measuresNote?.trim() || null } : null;
    await tx.insert(complaintProposals).values({ id, complaintId: current.id, kind: proposal.kind, value, reason, detail, proposedBy: actor.id, proposedOn: todayInShanghai() });
    await recordEvent(tx, { complaintId: current.id, actorId: actor.id, kind: 'proposed', public: false, text: summary(proposal.kind, value) });
    await notify(tx, { complaintId: current.id, kind: 'approvalWaiting', to: { commission: current.routedScopeCode, approversOnly: true, except: [actor.id, current.assigneeId] } });
    await recordAudit(tx, {
      actor,
      action: 'complaint.proposed',
      subjectType: 'complaint',
      subjectId: current.id,
      scopeCode: current.routedScopeCode,
      reason,
      detail: { proposal: id, kind: proposal.kind },
    });
    return ok({ id });
  });
}

/** How a proposal reads in the case history: its kind, and what it decides (never the reveal's reason). */
function summary(kind: ProposalKind, value: string | null): string {
  const what = zh(proposalKindKey(kind));
  const disposal = DISPOSALS.find((code) => code === value);
  if (kind === 'dispose' && disposal) return `${what}：${zh(disposalKey(disposal))}`;
  const finding = FINDINGS.find((code) => code === value);
  if (kind === 'conclude' && finding) return `${what}：${zh(findingKey(finding))}`;
  return kind === 'reveal' || !value ? what : `${what}：${value}`;
}

const DecideInput = z.discriminatedUnion('decision', [
  z.object({ decision: z.literal('approve'), note: z.string().trim().max(5000, '内容不超过5000字').optional() }),
  z.object({ decision: z.literal('reject'), note: text(4, '请写明不同意的理由') }),
]);

/** The account's approval right as it is now (not as the session remembers it). */
async function withCurrentRights(tx: DbOrTx, actor: Actor): Promise<PermissionActor> {
  const [row] = await tx.select({ approver: users.approver, disabledAt: users.disabledAt }).from(users).where(eq(users.id, actor.id)).for('share');
  return { ...actor, approver: !!row && !row.disabledAt && row.approver };
}

/** The case (within reach) and one of its proposals, both locked: the case first, as every case command does. */
async function lockProposal(tx: DbOrTx, actor: Actor, input: { complaintId: string; proposalId: string }): Promise<Result<{ current: ComplaintRow; proposal: ComplaintProposalRow }>> {
  const current = (await lockReachable(tx, actor, [input.complaintId])).get(input.complaintId);
  if (!current) return caseNotFound();
  const [proposal] = /^[0-9a-f-]{36}$/.test(input.proposalId ?? '')
    ? await tx
        .select()
        .from(complaintProposals)
        .where(and(eq(complaintProposals.id, input.proposalId), eq(complaintProposals.complaintId, current.id)))
        .for('update')
    : [];
  if (!proposal) return caseNotFound({ form: '没有找到该审批事项' });
  return ok({ current, proposal });
}

/**
 * An approver decides a pending proposal. Approving applies it inside the same transaction:
 * a decline closes the case with the text the reporter sees, a conclusion with its finding and
 * measures (the reply follows as its own step, console.ts `answer`), a disposal is
 * recorded, a reveal lets the proposer open the identity (each look audited).
 */
export async function decideProposal(db: Db, actor: Actor, input: { complaintId: string; proposalId: string; decision: string; note?: string }): Promise<Result> {
  const parsed = DecideInput.safeParse({ decision: input.decision, note: input.note ?? '' });
  if (!parsed.success) return fail({ note: parsed.error.issues[0]!.message });
  return db.transaction(async (tx) => {
    const locked = await lockProposal(tx, actor, input);
    if (!locked.ok) return locked;
    const { current, proposal } = locked.value;
    const approver = await withCurrentRights(tx, actor);
    if (!can(approver, 'complaint.approve', caseResource(current, { proposedBy: proposal.proposedBy }))) {
      return fail({ form: '审批须由本机关有审批权限的其他人员进行，承办人不能审批自己的提请' }, 403);
    }
    if (proposal.state !== 'pending') return fail({ form: '该事项已经审批' });
    const today = todayInShanghai();
    const note = parsed.data.note?.trim() || null;
    if (parsed.data.decision === 'approve') {
      const problem = await blocked(tx, proposal.kind, current);
      if (problem) return fail({ form: problem });
      await apply(tx, actor, current, proposal);
    }
    await tx
      .update(complaintProposals)
      .set({ state: parsed.data.decision === 'approve' ? 'approved' : 'rejected', decidedBy: actor.id, decidedOn: today, decisionNote: note })
      .where(eq(complaintProposals.id, proposal.id));
    const what = zh(proposalKindKey(proposal.kind));
    await recordEvent(tx, {
      complaintId: current.id,
      actorId: actor.id,
      kind: parsed.data.decision === 'approve' ? 'proposalApproved' : 'proposalRejected',
      public: false,
      text: note ? `${what}：${note}` : what,
    });
    await notify(tx, { complaintId: current.id, kind: parsed.data.decision === 'approve' ? 'proposalApproved' : 'proposalRejected', to: { userIds: [proposal.proposedBy] } });
    await recordAudit(tx, {
      actor,
      action: parsed.data.decision === 'approve' ? 'complaint.proposalApproved' : 'complaint.proposalRejected',
      subjectType: 'complaint',
      subjectId: current.id,
      scopeCode: current.routedScopeCode,
      // The approver read the reveal's reason: it is kept with the approval.
      reason: proposal.kind === 'reveal' ? proposal.reason : note,
      detail: { proposal: proposal.id, kind: proposal.kind, proposedBy: proposal.proposedBy },
    });
    return ok();
  });
}

/** What an approved decision changes on the case, with the step the reporter sees. */
async function apply(tx: DbOrTx, actor: Actor, current: ComplaintRow, proposal: ComplaintProposalRow): Promise<void> {
  const id = current.id;
  switch (proposal.kind) {
    case 'decline':
      await tx.update(complaints).set({ status: 'declined' }).where(eq(complaints.id, id));
      await recordEvent(tx, { complaintId: id, actorId: actor.id, kind: 'declined', public: true, text: proposal.value });
      return;
    case 'conclude': {
      // The finding and measures are the commission's record; the reporter's reply is its own step.
      const finding = FINDINGS.find((code) => code === proposal.value)!;
      const measures = (proposal.detail?.measures ?? []).flatMap((code) => MEASURES.filter((known) => known === code));
      await tx.update(complaints).set({ status: 'concluded', finding, measures, measuresNote: proposal.detail?.measuresNote ?? null, publicReply: null }).where(eq(complaints.id, id));
      await recordEvent(tx, { complaintId: id, actorId: actor.id, kind: 'concluded', public: true });
      return;
    }
    case 'dispose': {
      const disposal = DISPOSALS.find((code) => code === proposal.value)!;
      await tx.update(complaints).set({ status: 'in_progress', disposal }).where(eq(complaints.id, id));
      await recordEvent(tx, { complaintId: id, actorId: actor.id, kind: 'disposed', public: false, text: zh(disposalKey(disposal)) });
      return;
    }
    case 'reveal':
      return; // the proposer may now open the identity (revealIdentity), each time audited
  }
}

/** The handler withdraws a proposal still waiting. */
export async function withdrawProposal(db: Db, actor: Actor, input: { complaintId: string; proposalId: string }): Promise<Result> {
  return db.transaction(async (tx) => {
    const locked = await lockProposal(tx, actor, input);
    if (!locked.ok) return locked;
    const { current, proposal } = locked.value;
    if (proposal.proposedBy !== actor.id) return fail({ form: '只有提请人可以撤回' }, 403);
    if (proposal.state !== 'pending') return fail({ form: '该事项已经审批' });
    await tx.update(complaintProposals).set({ state: 'withdrawn', decidedOn: todayInShanghai() }).where(eq(complaintProposals.id, proposal.id));
    await recordEvent(tx, { complaintId: current.id, actorId: actor.id, kind: 'proposalWithdrawn', public: false, text: zh(proposalKindKey(proposal.kind)) });
    await recordAudit(tx, { actor, action: 'complaint.proposalWithdrawn', subjectType: 'complaint', subjectId: current.id, scopeCode: current.routedScopeCode, detail: { proposal: proposal.id, kind: proposal.kind } });
    return ok();
  });
}

/** The proposals of a case, newest first, for its page. */
export async function listProposals(db: DbOrTx, complaintId: string): Promise<ComplaintProposalRow[]> {
  return db.select().from(complaintProposals).where(eq(complaintProposals.complaintId, complaintId)).orderBy(desc(complaintProposals.proposedOn));
}

/**
 * Shows a real-name reporter's identity to the handler whose release was approved: the proposal's
 * reason and its approver go into the audit entry of every look. Nothing is stored decrypted.
 */
export async function revealIdentity(db: Db, actor: Actor, input: { complaintId: string }): Promise<Result<{ name: string; phone: string }>> {
  const id = input.complaintId;
  return db.transaction(async (tx) => {
    const current = (await lockReachable(tx, actor, [id], 'share')).get(id);
    if (!current) return caseNotFound();
    const [approved] = await tx
      .select()
      .from(complaintProposals)
      .where(and(eq(complaintProposals.complaintId, id), eq(complaintProposals.kind, 'reveal'), eq(complaintProposals.state, 'approved'), eq(complaintProposals.proposedBy, actor.id)))
      .orderBy(desc(complaintProposals.decidedOn))
      .limit(1);
    if (!approved) return fail({ form: '查看实名信息须由承办人提请并经审批同意' }, 403);
    const [row] = await tx.select({ ciphertext: complaintIdentities.ciphertext }).from(complaintIdentities).where(eq(complaintIdentities.complaintId, id));
    if (!row) return fail({ form: '该案件为匿名反映，没有实名信息' });
    await recordAudit(tx, {
      actor,
      action: 'complaint.identityRevealed',
      subjectType: 'complaint',
      subjectId: id,
      scopeCode: current.routedScopeCode,
      reason: approved.reason,
      detail: { proposal: approved.id, approvedBy: approved.decidedBy },
    });
    return ok(decryptJson<{ name: string; phone: string }>(getConfig().complaintKey, row.ciphertext));
  });
}
