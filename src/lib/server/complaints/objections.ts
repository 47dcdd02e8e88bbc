/**
 * Objections (异议, issue 11 item 6), in place of the petition rules' one-level-up review: a reporter
 * who disagrees with the reply records an objection with reasons on /track (tracking.ts); the
 * commission holding the case answers it within OBJECTION_ANSWER_WORKING_DAYS, either with an
 * explanation the reporter reads or by reopening the case for verification when there are new
 * facts — the case then arrives anew on the day it reopens, so every deadline counts from the
 * reopening. The commission one level above reaches the case (and so its objections) and may press
 * (督办) an objection still unanswered. Staff steps are the one write shape: zod → a transaction
 * locking the case, then its open objection → re-checked permission and state → change, case
 * event, audit → Result.
 */
import { and, desc, eq } from 'drizzle-orm';
import { z } from 'zod';
import { complaintObjections, type ComplaintObjectionRow } from '../../../../db/schema/complaint-casework.ts';
import { complaints, type ComplaintRow } from '../../../../db/schema/complaints.ts';
import { recordAudit } from '../audit.ts';
import { can, type Action } from '../auth/permissions.ts';
import type { Db, DbOrTx } from '../db.ts';
import { fail, ok, type Actor, type FieldErrors, type Result } from '../result.ts';
import { todayInShanghai } from '../time.ts';
import { caseNotFound, caseResource, lockReachable, recordEvent } from './cases.ts';

const text = (min: number, message: string) => z.string().trim().min(min, message).max(5000, '内容不超过5000字');

/** The case's unanswered objection (at most one: a partial unique index), locked after the case. */
export async function openObjection(tx: DbOrTx, complaintId: string, { lock = true } = {}): Promise<ComplaintObjectionRow | undefined> {
  const query = tx.select().from(complaintObjections).where(and(eq(complaintObjections.complaintId, complaintId), eq(complaintObjections.state, 'open')));
  const [row] = await (lock ? query.for('update') : query);
  return row;
}

/** Every objection of a case, newest first, for its page. */
export async function listObjections(db: DbOrTx, complaintId: string): Promise<ComplaintObjectionRow[]> {
  return db.select().from(complaintObjections).where(eq(complaintObjections.complaintId, complaintId)).orderBy(desc(complaintObjections.filedOn));
}

/** The case and its open objection, locked, for a step `permission` allows on the case as it is now. */
async function lockObjection(tx: DbOrTx, actor: Actor, complaintId: string, permission: Action): Promise<Result<{ current: ComplaintRow; objection: ComplaintObjectionRow }>> {
  const current = (await lockReachable(tx, actor, [complaintId])).get(complaintId);
  if (!current) return caseNotFound();
  if (!can(actor, permission, caseResource(current))) return fail({ form: '您不能在该案件上进行这一步' }, 403);
  const objection = await openObjection(tx, current.id);
  if (!objection) return fail({ form: '该异议已经答复，请刷新页面' });
  return ok({ current, objection });
}

const AnswerInput = z.discriminatedUnion('decision', [
  z.object({ decision: z.literal('explain'), text: text(10, '请写明对异议的解释说明（至少10个字），反映人会看到') }),
  z.object({ decision: z.literal('reopen'), text: text(10, '请写明重新核查的理由和新的事实（至少10个字）') }),
]);

/**
 * The holding commission answers an objection: `explain` — the reporter reads the explanation;
 * `reopen` — the case is taken up again for verification, arriving today (its limits count from
 * here), its handler kept; the reason stays internal, the reporter sees that it was reopened.
 */
export async function answerObjection(db: Db, actor: Actor, input: { complaintId: string; decision: string; text: string }): Promise<Result> {
  const parsed = AnswerInput.safeParse({ decision: input.decision, text: input.text ?? '' });
  if (!parsed.success) {
    const known = input.decision === 'explain' || input.decision === 'reopen';
    const errors: FieldErrors = known ? { text: parsed.error.issues[0]!.message } : { form: '请选择解释说明或重新核查' };
    return fail(errors);
  }
  return db.transaction(async (tx) => {
    const locked = await lockObjection(tx, actor, input.complaintId, 'complaint.manage');
    if (!locked.ok) return locked;
    const { current, objection } = locked.value;
    // The commission that replied answers for its reply; one above presses it (pressObjection).
    if (actor.scopeCode !== current.routedScopeCode) return fail({ form: '异议由办理该案件的纪委监委答复，上级机关可以督办' }, 403);
    const today = todayInShanghai();
    const { decision, text: answer } = parsed.data;
    await tx
      .update(complaintObjections)
      .set({ state: 'answered', answer: decision === 'explain' ? 'explained' : 'reopened', answerText: answer, answeredBy: actor.id, answeredOn: today })
      .where(eq(complaintObjections.id, objection.id));
    if (decision === 'reopen') {
      // The old conclusion and reply stay in the history; the new ones are still to come.
      await tx.update(complaints).set({ status: 'accepted', arrivedOn: today, publicReply: null, finding: null, measures: null, measuresNote: null }).where(eq(complaints.id, current.id));
      await recordEvent(tx, { complaintId: current.id, actorId: actor.id, kind: 'reopened', public: true });
      await recordEvent(tx, { complaintId: current.id, actorId: actor.id, kind: 'note', public: false, text: `重新核查理由：${answer}` });
    } else {
      await recordEvent(tx, { complaintId: current.id, actorId: actor.id, kind: 'objectionAnswered', public: true, text: answer });
    }
    await recordAudit(tx, {
      actor,
      action: 'complaint.objectionAnswered',
      subjectType: 'complaint',
      subjectId: current.id,
      scopeCode: current.routedScopeCode,
      reason: answer,
      detail: { objection: objection.id, answer: decision },
    });
    return ok();
  });
}

/** The commission one level above presses (督办) an unanswered objection, with a note. */
export async function pressObjection(db: Db, actor: Actor, input: { complaintId: string; text: string }): Promise<Result> {
  const parsed = z.object({ text: text(4, '请写明督办意见') }).safeParse({ text: input.text ?? '' });
  if (!parsed.success) return fail({ text: parsed.error.issues[0]!.message });
  return db.transaction(async (tx) => {
    const locked = await lockObjection(tx, actor, input.complaintId, 'complaint.supervise');
    if (!locked.ok) return locked;
    const { current, objection } = locked.value;
    await tx.update(complaintObjections).set({ pressedOn: todayInShanghai() }).where(eq(complaintObjections.id, objection.id));
    await recordEvent(tx, { complaintId: current.id, actorId: actor.id, kind: 'objectionPressed', public: false, text: parsed.data.text });
    await recordAudit(tx, { actor, action: 'complaint.objectionPressed', subjectType: 'complaint', subjectId: current.id, scopeCode: current.routedScopeCode, reason: parsed.data.text, detail: { objection: objection.id } });
    return ok();
  });
}
