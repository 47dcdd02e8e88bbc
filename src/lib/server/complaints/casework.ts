/**
 * Where a case goes, and who works it (issue 11 items 1–3, 10): the handler (承办人); forwarding to
 * the commission with jurisdiction (转送, a tracked step with its 5-working-day limit, not an
 * ending); hand-down to a township commission (交办) with the township's report (承办报告), the
 * county's review of it (accept, or send back) and pressing (督办); transfer to a department
 * (转办) with its reply. Every command is the one write shape: zod → one transaction that locks the
 * case (`lockReachable`) and then its open referral, re-checks the actor's permission on the case
 * as it is now and the case's state → the change, a case event with the officer (internal unless
 * the reporter should know) and an audit entry → a `Result`.
 */
import { and, eq, ne } from 'drizzle-orm';
import { z } from 'zod';
import { complaintDepartments, complaintReferrals, complaintProposals, type ComplaintReferralRow } from '../../../../db/schema/complaint-casework.ts';
import { users } from '../../../../db/schema/auth.ts';
import { complaints, type ComplaintRow } from '../../../../db/schema/complaints.ts';
import { getArea, listChildren } from '../areas/index.ts';
import { isWithin, levelOfCode } from '../areas/codes.ts';
import { recordAudit } from '../audit.ts';
import { can, isAboutTownshipLeadership, type Action } from '../auth/permissions.ts';
import type { Db, DbOrTx } from '../db.ts';
import { fail, ok, type Actor, type Result } from '../result.ts';
import { todayInShanghai } from '../time.ts';
import { caseNotFound, caseResource, lockReachable, OPEN_STATUSES, recordEvent, STATE_CHANGED } from './cases.ts';
import { countyTimeLimits } from './departments.ts';
import { forwardDue, referralDue } from './deadlines.ts';
import { escalationTarget } from './routing.ts';
import { notify } from '../notify/inbox.ts';
import { escalatedForComplaint, HAND_DOWN_REFUSED } from '../supervision/escalated.ts';

const text = (min: number, message: string) => z.string().trim().min(min, message).max(5000, '内容不超过5000字');
const isoDate = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, '请填写日期').refine((value) => !Number.isNaN(Date.parse(value)), '请填写有效的日期');

/** The case locked for a step the actor must be allowed (`permission`) to take on it as it is now. */
async function lockForStep(tx: DbOrTx, actor: Actor, complaintId: string, permission: Action): Promise<Result<ComplaintRow>> {
  const current = (await lockReachable(tx, actor, [complaintId])).get(complaintId);
  if (!current) return caseNotFound();
  if (!can(actor, permission, caseResource(current))) return fail({ form: '您不能在该案件上进行这一步' }, 403);
  if (current.mergedIntoId) return fail({ form: STATE_CHANGED });
  return ok(current);
}

/** The case's open hand-down or transfer (at most one: a partial unique index), locked after the case. */
export async function openReferral(tx: DbOrTx, complaintId: string, { lock = true } = {}): Promise<ComplaintReferralRow | undefined> {
  const query = tx.select().from(complaintReferrals).where(and(eq(complaintReferrals.complaintId, complaintId), ne(complaintReferrals.state, 'closed')));
  const [row] = await (lock ? query.for('update') : query);
  return row;
}

const audit = (tx: DbOrTx, actor: Actor, current: ComplaintRow, action: string, extra: { reason?: string; detail?: Record<string, unknown> } = {}) =>
  recordAudit(tx, { actor, action: `complaint.${action}`, subjectType: 'complaint', subjectId: current.id, scopeCode: current.routedScopeCode, ...extra });

// ---------------------------------------------------------------- handler

/** Names the handler (承办人): an active commission account of the commission holding the case. */
export async function assignHandler(db: Db, actor: Actor, input: { complaintId: string; handlerId: string }): Promise<Result> {
  const handlerId = /^[0-9a-f-]{36}$/.test(input.handlerId ?? '') ? input.handlerId : '';
  if (!handlerId) return fail({ handler: '请选择承办人' });
  return db.transaction(async (tx) => {
    const locked = await lockForStep(tx, actor, input.complaintId, 'complaint.manage');
    if (!locked.ok) return locked;
    const current = locked.value;
    if (!OPEN_STATUSES.includes(current.status)) return fail({ form: STATE_CHANGED });
    const [handler] = await tx.select().from(users).where(eq(users.id, handlerId)).for('share');
    if (!handler || handler.disabledAt || handler.role !== 'commission' || handler.scopeCode !== current.routedScopeCode) return fail({ handler: '承办人应为本机关在用的纪委监委账号' });
    if (current.assigneeId === handlerId) return fail({ handler: '该账号已是承办人' });
    await tx.update(complaints).set({ assigneeId: handlerId }).where(eq(complaints.id, current.id));
    await recordEvent(tx, { complaintId: current.id, actorId: actor.id, kind: 'handlerAssigned', public: false, text: handler.displayName });
    await audit(tx, actor, current, 'handlerAssigned', { detail: { handler: handler.username } });
    return ok();
  });
}

/** The accounts that may be named handler of a case held by `scopeCode`. */
export async function listHandlers(db: DbOrTx, scopeCode: string): Promise<Array<{ id: string; displayName: string; approver: boolean }>> {
  const rows = await db
    .select({ id: users.id, displayName: users.displayName, approver: users.approver, disabledAt: users.disabledAt })
    .from(users)
    .where(and(eq(users.role, 'commission'), eq(users.scopeCode, scopeCode)));
  return rows.filter((row) => !row.disabledAt).map(({ disabledAt: _disabled, ...row }) => row);
}

// ---------------------------------------------------------------- forwarding (转送)

const ForwardInput = z.object({
  toScopeCode: z.string().regex(/^\d{12}$/, '请选择转送的纪委监委'),
  reason: text(10, '请写明转送的理由（至少10个字），例如被反映人不属于本机关管辖'),
});

/**
 * Forwards a case this commission has no jurisdiction over to the one that has (up or across,
 * never down: that is a hand-down), within 5 working days of its arrival. The case moves with
 * its history; it arrives at the receiver today, so the receiver's limits count from today. The
 * referral row keeps the sender and the limit it had (a late forward stays visible as late).
 */
export async function forwardComplaint(db: Db, actor: Actor, input: { complaintId: string; toScopeCode: string; reason: string }): Promise<Result<{ late: boolean }>> {
  const parsed = ForwardInput.safeParse(input);
  if (!parsed.success) return fail({ [String(parsed.error.issues[0]!.path[0])]: parsed.error.issues[0]!.message });
  const { toScopeCode, reason } = parsed.data;
  return db.transaction(async (tx) => {
    const locked = await lockForStep(tx, actor, input.complaintId, 'complaint.manage');
    if (!locked.ok) return locked;
    const current = locked.value;
    if (current.status !== 'received') return fail({ form: '已受理的案件不能转送；如需上级办理，请提级' });
    const target = await getArea(tx, toScopeCode);
    const from = current.routedScopeCode;
    if (!target || !['province', 'city', 'county'].includes(target.level) || toScopeCode === from || isWithin(from, toScopeCode)) {
      return fail({ toScopeCode: '只能转送上级或同级的纪委监委' });
    }
    if (await openReferral(tx, current.id)) return fail({ form: '该案件已交办或转办，请先办结' });
    const today = todayInShanghai();
    const dueOn = forwardDue(current.arrivedOn);
    await tx.insert(complaintReferrals).values({
      id: crypto.randomUUID(),
      complaintId: current.id,
      kind: 'forward',
      fromScopeCode: from,
      toScopeCode,
      sentBy: actor.id,
      sentOn: today,
      dueOn,
      state: 'closed',
      report: reason,
      closedOn: today,
    });
    // Pending proposals were this commission's; the receiver decides afresh.
    await tx
      .update(complaintProposals)
      .set({ state: 'withdrawn', decidedOn: today })
      .where(and(eq(complaintProposals.complaintId, current.id), eq(complaintProposals.state, 'pending')));
    await tx.update(complaints).set({ routedScopeCode: toScopeCode, arrivedOn: today, assigneeId: null, handedDownTo: null, zoneId: null }).where(eq(complaints.id, current.id));
    await recordEvent(tx, { complaintId: current.id, actorId: actor.id, kind: 'forwarded', public: true, text: `转送${target.name}纪委监委办理` });
    await recordEvent(tx, { complaintId: current.id, actorId: actor.id, kind: 'note', public: false, text: `转送理由：${reason}` });
    await notify(tx, { complaintId: current.id, kind: 'forwarded', to: { commission: toScopeCode } });
    await audit(tx, actor, current, 'forwarded', { reason, detail: { to: toScopeCode, due: dueOn, late: today > dueOn } });
    return ok({ late: today > dueOn });
  });
}

/** Where a commission may forward to: the commission above it, and the others under that one (across). */
export async function forwardTargets(db: DbOrTx, routedScopeCode: string): Promise<Array<{ code: string; name: string }>> {
  const above = escalationTarget(routedScopeCode);
  if (above === routedScopeCode) return [];
  const [parent, siblings] = await Promise.all([getArea(db, above), listChildren(db, above)]);
  return [...(parent ? [parent] : []), ...siblings.filter((area) => area.code !== routedScopeCode && area.level !== 'township')].map(({ code, name }) => ({ code, name }));
}

// ---------------------------------------------------------------- hand-down (交办)

const HandDownInput = z.object({ townshipCode: z.string().regex(/^\d{12}$/, '请选择承办的乡镇纪委') });

/**
 * Hands an accepted case down to a township commission of the county holding it, with the county's
 * limit for the report. Never to the township whose own leadership the case is about (回避): the
 * domain refuses it, and the reach rule would not show it to them either.
 */
export async function handDown(db: Db, actor: Actor, input: { complaintId: string; townshipCode: string }): Promise<Result> {
  const parsed = HandDownInput.safeParse(input);
  if (!parsed.success) return fail({ townshipCode: parsed.error.issues[0]!.message });
  const { townshipCode } = parsed.data;
  return db.transaction(async (tx) => {
    const locked = await lockForStep(tx, actor, input.complaintId, 'complaint.manage');
    if (!locked.ok) return locked;
    const current = locked.value;
    if (current.status !== 'accepted' && current.status !== 'in_progress') return fail({ form: '受理后才能交办' });
    if (levelOfCode(current.routedScopeCode) !== 'county') return fail({ form: '只有县纪委监委向乡镇纪委交办' });
    const township = await getArea(tx, townshipCode);
    if (!township || township.level !== 'township' || !isWithin(current.routedScopeCode, townshipCode)) return fail({ townshipCode: '请选择本县的乡镇纪委' });
    if (isAboutTownshipLeadership(townshipCode, current)) return fail({ townshipCode: '反映乡镇领导班子成员的问题，不能交由该乡镇纪委办理（回避）' });
    // 问题线索提级处置: a designated village's case stays with the county (issue 13 §1).
    if (await escalatedForComplaint(tx, current)) return fail({ form: HAND_DOWN_REFUSED });
    if (await openReferral(tx, current.id)) return fail({ form: '该案件已交办或转办，尚未办结' });
    const today = todayInShanghai();
    const dueOn = referralDue('hand_down', today, await countyTimeLimits(tx, current.routedScopeCode));
    await tx.insert(complaintReferrals).values({ id: crypto.randomUUID(), complaintId: current.id, kind: 'hand_down', fromScopeCode: current.routedScopeCode, toScopeCode: townshipCode, sentBy: actor.id, sentOn: today, dueOn });
    await tx.update(complaints).set({ handedDownTo: townshipCode, status: 'in_progress' }).where(eq(complaints.id, current.id));
    await recordEvent(tx, { complaintId: current.id, actorId: actor.id, kind: 'handedDown', public: false, text: `交${township.name}纪委办理，${dueOn}前报送承办报告` });
    await notify(tx, { complaintId: current.id, kind: 'handedDown', to: { commission: townshipCode } });
    await audit(tx, actor, current, 'handedDown', { detail: { to: townshipCode, due: dueOn } });
    return ok();
  });
}

const ReportInput = z.object({ text: text(20, '请写明核查情况和处理意见（至少20个字）') });

/** The township commission reports back on a case handed down to it (承办报告). */
export async function reportBack(db: Db, actor: Actor, input: { complaintId: string; text: string }): Promise<Result> {
  const parsed = ReportInput.safeParse(input);
  if (!parsed.success) return fail({ text: parsed.error.issues[0]!.message });
  return db.transaction(async (tx) => {
    const locked = await lockForStep(tx, actor, input.complaintId, 'complaint.report');
    if (!locked.ok) return locked;
    const current = locked.value;
    const referral = await openReferral(tx, current.id);
    if (!referral || referral.kind !== 'hand_down' || referral.toScopeCode !== actor.scopeCode || referral.state !== 'open') return fail({ form: STATE_CHANGED });
    const today = todayInShanghai();
    await tx.update(complaintReferrals).set({ state: 'reported', report: parsed.data.text, reportedOn: today }).where(eq(complaintReferrals.id, referral.id));
    await recordEvent(tx, { complaintId: current.id, actorId: actor.id, kind: 'handDownReported', public: false, text: parsed.data.text });
    await notify(tx, { complaintId: current.id, kind: 'reportWaiting', to: { handler: current.assigneeId, commission: current.routedScopeCode } });
    await audit(tx, actor, current, 'handDownReported', { detail: { due: referral.dueOn, late: today > referral.dueOn } });
    return ok();
  });
}

const ReviewInput = z.discriminatedUnion('decision', [
  z.object({ decision: z.literal('accept'), text: z.string().trim().max(5000, '内容不超过5000字').optional() }),
  z.object({ decision: z.literal('return'), text: text(10, '请写明退回的理由和需要补充的工作（至少10个字）') }),
]);

/**
 * The county reviews the township's report: accepts it (the hand-down is closed; the handler then
 * proposes the conclusion) or sends it back with what is missing and a new limit from today.
 */
export async function reviewReport(db: Db, actor: Actor, input: { complaintId: string; decision: string; text?: string }): Promise<Result> {
  const parsed = ReviewInput.safeParse({ decision: input.decision, text: input.text ?? '' });
  if (!parsed.success) return fail({ text: parsed.error.issues[0]!.message });
  return db.transaction(async (tx) => {
    const locked = await lockForStep(tx, actor, input.complaintId, 'complaint.manage');
    if (!locked.ok) return locked;
    const current = locked.value;
    const referral = await openReferral(tx, current.id);
    if (!referral || referral.kind !== 'hand_down' || referral.state !== 'reported') return fail({ form: STATE_CHANGED });
    const today = todayInShanghai();
    if (parsed.data.decision === 'accept') {
      await tx.update(complaintReferrals).set({ state: 'closed', closedOn: today }).where(eq(complaintReferrals.id, referral.id));
      await recordEvent(tx, { complaintId: current.id, actorId: actor.id, kind: 'reportAccepted', public: false, text: parsed.data.text || null });
      await audit(tx, actor, current, 'reportAccepted');
    } else {
      const dueOn = referralDue('hand_down', today, await countyTimeLimits(tx, current.routedScopeCode));
      await tx.update(complaintReferrals).set({ state: 'open', dueOn }).where(eq(complaintReferrals.id, referral.id));
      await recordEvent(tx, { complaintId: current.id, actorId: actor.id, kind: 'reportReturned', public: false, text: `${parsed.data.text}（${dueOn}前重新报送）` });
      // Sent back: the township has the case to work again.
      if (referral.toScopeCode) await notify(tx, { complaintId: current.id, kind: 'handedDown', to: { commission: referral.toScopeCode } });
      await audit(tx, actor, current, 'reportReturned', { reason: parsed.data.text, detail: { due: dueOn } });
    }
    return ok();
  });
}

const PressInput = z.object({ text: text(4, '请写明督办意见'), dueOn: isoDate });

/** The county presses (督办) an open hand-down or transfer: a note and a new date for the answer. */
export async function press(db: Db, actor: Actor, input: { complaintId: string; text: string; dueOn: string }): Promise<Result> {
  const parsed = PressInput.safeParse(input);
  if (!parsed.success) return fail({ [String(parsed.error.issues[0]!.path[0])]: parsed.error.issues[0]!.message });
  const today = todayInShanghai();
  if (parsed.data.dueOn < today) return fail({ dueOn: '新的期限不能早于今天' });
  return db.transaction(async (tx) => {
    const locked = await lockForStep(tx, actor, input.complaintId, 'complaint.manage');
    if (!locked.ok) return locked;
    const current = locked.value;
    const referral = await openReferral(tx, current.id);
    if (!referral || referral.state !== 'open') return fail({ form: '没有待回复的交办或转办' });
    await tx.update(complaintReferrals).set({ dueOn: parsed.data.dueOn }).where(eq(complaintReferrals.id, referral.id));
    await recordEvent(tx, { complaintId: current.id, actorId: actor.id, kind: 'pressed', public: false, text: `${parsed.data.text}（${parsed.data.dueOn}前回复）` });
    await audit(tx, actor, current, 'pressed', { reason: parsed.data.text, detail: { due: parsed.data.dueOn, was: referral.dueOn } });
    return ok();
  });
}

// ---------------------------------------------------------------- transfer (转办)

/**
 * Transfers a matter that is not a discipline matter to a unit on the county's list, with the
 * county's limit for the reply. The reporter is told which unit; the case stays open until the
 * reply is recorded.
 */
export async function transferComplaint(db: Db, actor: Actor, input: { complaintId: string; departmentId: string }): Promise<Result> {
  const departmentId = /^[0-9a-f-]{36}$/.test(input.departmentId ?? '') ? input.departmentId : '';
  if (!departmentId) return fail({ department: '请从本县的承办单位名单中选择' });
  return db.transaction(async (tx) => {
    const locked = await lockForStep(tx, actor, input.complaintId, 'complaint.manage');
    if (!locked.ok) return locked;
    const current = locked.value;
    if (!OPEN_STATUSES.includes(current.status)) return fail({ form: STATE_CHANGED });
    const [department] = await tx.select().from(complaintDepartments).where(eq(complaintDepartments.id, departmentId)).for('share');
    if (!department || !department.active || department.countyCode !== current.routedScopeCode) return fail({ department: '请从本县的承办单位名单中选择' });
    if (await openReferral(tx, current.id)) return fail({ form: '该案件已交办或转办，尚未办结' });
    const today = todayInShanghai();
    const dueOn = referralDue('transfer', today, await countyTimeLimits(tx, current.routedScopeCode));
    await tx.insert(complaintReferrals).values({ id: crypto.randomUUID(), complaintId: current.id, kind: 'transfer', fromScopeCode: current.routedScopeCode, departmentId, sentBy: actor.id, sentOn: today, dueOn });
    await tx.update(complaints).set({ status: 'in_progress' }).where(eq(complaints.id, current.id));
    await recordEvent(tx, { complaintId: current.id, actorId: actor.id, kind: 'transferred', public: true, text: department.name });
    await audit(tx, actor, current, 'transfer', { detail: { department: department.name, due: dueOn } });
    return ok();
  });
}

const ReplyInput = z.object({ text: text(10, '请录入承办单位的回复（至少10个字）') });

/** Records the receiving unit's reply to a transfer; the transfer is then closed. */
export async function recordTransferReply(db: Db, actor: Actor, input: { complaintId: string; text: string }): Promise<Result> {
  const parsed = ReplyInput.safeParse(input);
  if (!parsed.success) return fail({ text: parsed.error.issues[0]!.message });
  return db.transaction(async (tx) => {
    const locked = await lockForStep(tx, actor, input.complaintId, 'complaint.manage');
    if (!locked.ok) return locked;
    const current = locked.value;
    const referral = await openReferral(tx, current.id);
    if (!referral || referral.kind !== 'transfer') return fail({ form: '没有待回复的转办' });
    const today = todayInShanghai();
    await tx.update(complaintReferrals).set({ state: 'closed', report: parsed.data.text, reportedOn: today, closedOn: today }).where(eq(complaintReferrals.id, referral.id));
    await recordEvent(tx, { complaintId: current.id, actorId: actor.id, kind: 'transferReplied', public: false, text: parsed.data.text });
    await audit(tx, actor, current, 'transferReplied', { detail: { due: referral.dueOn, late: today > referral.dueOn } });
    return ok();
  });
}
