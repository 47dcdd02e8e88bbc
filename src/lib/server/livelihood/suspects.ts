/**
 * The suspect workflow of livelihood payments (疑点核查, issue 14 item 5): the loop the commissions'
 * big-data platforms run on a cross-check hit.
 *
 *   county commission sends the hit to the paying department, with an instruction and a day to answer by
 *     → the department answers: confirmed (核实属实) or explained (有合理解释), naming its evidence
 *     → the commission reviews the answer:
 *         accepts an explanation → closed (its note is the feedback);
 *         accepts a confirmation → correcting, with a day to correct by (整改);
 *         sends it back (answer again by a new day) → returned → the department answers again
 *     → the department records the correction: payment stopped or not, amount to recover, recovered so far
 *     → the commission reviews the correction: accepts → closed; sends it back → correcting again.
 *
 * Who: the county commission of the hit's county acts (`livelihood.supervise`; a city commission
 * reads, as it reads the hits), the department that pays the hit's item answers and corrects
 * (`livelihood.answer`). Reading a suspect is reading its hit (`livelihood.hits`): the commission
 * and the paying department only. Every step is one transaction that locks the suspect row, checks
 * its state inside the lock, appends a step (append-only in the database), sets the current state
 * and writes an audit row whose detail holds no name, ID number or amount of the recipient.
 */
import { and, asc, count, eq, gte, inArray, isNull, lt, or, sql, type SQL } from 'drizzle-orm';
import { alias } from 'drizzle-orm/pg-core';
import { z } from 'zod';
import { areas } from '../../../../db/schema/areas.ts';
import { users } from '../../../../db/schema/auth.ts';
import { livelihoodHits } from '../../../../db/schema/livelihood-checks.ts';
import { livelihoodSuspects, livelihoodSuspectSteps, SUSPECT_ANSWERS, type LivelihoodSuspectRow, type SuspectAnswer, type SuspectState, type SuspectStepKind } from '../../../../db/schema/livelihood-suspects.ts';
import { livelihoodDepartments, payments, subsidyItems } from '../../../../db/schema/livelihood.ts';
import { addDays } from '../accounts/supervision.ts';
import { parseYuanToFen } from '../accounts/model.ts';
import { levelOfCode, subtreeRange } from '../areas/codes.ts';
import { recordAudit } from '../audit.ts';
import { can, type Actor as PermissionActor } from '../auth/permissions.ts';
import type { Db, DbOrTx } from '../db.ts';
import { fail, ok, type Actor, type Result } from '../result.ts';
import { isIsoDate, todayInShanghai } from '../time.ts';
import { fieldErrors, visibleText } from '../validation.ts';
import type { HitRule, HitScope } from './cross-checks.ts';
import { departmentOf } from './items.ts';

/** Days the department is given to answer or to correct, unless the commission sets another day. */
export const SUSPECT_DUE_DAYS = 15;
/** The longest a commission may give. */
export const SUSPECT_MAX_DAYS = 60;
export const SUSPECTS_PAGE_SIZE = 50;

/** The states in which the department owes something (an answer or a correction) by `dueOn`. */
export const DEPARTMENT_OWES: readonly SuspectState[] = ['sent', 'returned', 'correcting'];
/** The states in which the commission owes a review. */
export const COMMISSION_OWES: readonly SuspectState[] = ['answered', 'corrected'];

const Instruction = visibleText({ label: '核查要求', min: 10, max: 1000, minMessage: '请写明核查要求（至少10个字）：请部门核实什么、需要提供哪些材料' });
const Reply = visibleText({ label: '核查情况', min: 10, max: 2000, minMessage: '请写明核查情况（至少10个字）：怎样核实的、结论和依据' });
const Evidence = visibleText({ label: '佐证材料', min: 4, max: 1000, minMessage: '请列明佐证材料（至少4个字），如：死亡医学证明编号、户籍注销记录、入户核查记录' });
const ReviewNote = visibleText({ label: '审核意见', min: 10, max: 1000, minMessage: '请写明审核意见（至少10个字）' });
const CorrectionNote = visibleText({ label: '整改情况', min: 10, max: 1000, minMessage: '请写明整改情况（至少10个字）：停发、追回的经过和凭证' });

const SuspectId = z.uuid({ message: '没有找到该疑点' });

function dueProblem(dueOn: string, today: string): string | null {
  if (!isIsoDate(dueOn)) return '期限应为日期，例如 2026-12-20';
  if (dueOn <= today || dueOn > addDays(today, SUSPECT_MAX_DAYS)) return `期限应在明天到${SUSPECT_MAX_DAYS}天之内`;
  return null;
}

/** The actor with its department read in the transaction (the session does not carry it). */
async function withDepartment(tx: DbOrTx, actor: Actor): Promise<PermissionActor> {
  if (actor.role !== 'department') return actor;
  return { ...actor, departmentId: (await departmentOf(tx, actor))?.id ?? null };
}

async function appendStep(
  tx: DbOrTx,
  suspect: Pick<LivelihoodSuspectRow, 'id' | 'countyCode' | 'rule'>,
  actor: Actor,
  step: { kind: SuspectStepKind; body: string; evidence?: string; dueOn?: string; answer?: SuspectAnswer; correction?: { paymentStopped: boolean; toRecoverFen: number; recoveredFen: number } },
  state: SuspectState,
  action: 'livelihood.suspectSent' | 'livelihood.suspectAnswered' | 'livelihood.suspectReviewed' | 'livelihood.suspectCorrected',
): Promise<void> {
  await tx.insert(livelihoodSuspectSteps).values({
    suspectId: suspect.id,
    kind: step.kind,
    actorId: actor.id,
    body: step.body,
    evidence: step.evidence ?? null,
    dueOn: step.dueOn ?? null,
    answer: step.answer ?? null,
    paymentStopped: step.correction?.paymentStopped ?? null,
    toRecoverFen: step.correction?.toRecoverFen ?? null,
    recoveredFen: step.correction?.recoveredFen ?? null,
  });
  await recordAudit(tx, {
    actor,
    action,
    subjectType: 'livelihood_suspect',
    subjectId: suspect.id,
    scopeCode: suspect.countyCode,
    // No recipient data: the rule, the step, the state and the deadline.
    detail: { rule: suspect.rule, step: step.kind, state, ...(step.dueOn ? { dueOn: step.dueOn } : {}), ...(step.answer ? { answer: step.answer } : {}) },
  });
}

/** The county commission sends a standing hit to the paying department to check. A hit is sent once. */
export async function sendSuspect(
  db: Db,
  actor: Actor,
  input: { hitId: unknown; body: unknown; dueOn: unknown },
  today = todayInShanghai(),
): Promise<Result<{ id: string }>> {
  const hitId = z.coerce.number().int().positive().safeParse(input.hitId);
  if (!hitId.success) return fail({ form: '没有找到该比对疑点' }, 404);
  const body = Instruction.safeParse(String(input.body ?? ''));
  const dueOn = String(input.dueOn ?? '').trim();
  const errors: Record<string, string> = {};
  if (!body.success) errors.body = body.error.issues[0]!.message;
  const due = dueProblem(dueOn, today);
  if (due) errors.dueOn = due;
  if (Object.keys(errors).length) return fail(errors);
  return db.transaction(async (tx) => {
    const [hit] = await tx.select().from(livelihoodHits).where(eq(livelihoodHits.id, hitId.data)).for('update');
    if (!hit) return fail({ form: '没有找到该比对疑点' }, 404);
    if (!can(actor, 'livelihood.supervise', { scopeCode: hit.countyCode })) return fail({ form: '只有本县纪委监委可以把比对疑点交部门核查' }, 403);
    if (hit.clearedAt) return fail({ form: '这条比对结果已不再成立（登记信息或批次已变更），不能再交部门核查' }, 409);
    const [already] = await tx.select({ id: livelihoodSuspects.id }).from(livelihoodSuspects).where(eq(livelihoodSuspects.hitId, hit.id));
    if (already) return fail({ form: '这条比对疑点已经交部门核查了' }, 409);
    const id = crypto.randomUUID();
    await tx.insert(livelihoodSuspects).values({ id, hitId: hit.id, countyCode: hit.countyCode, departmentId: hit.departmentId, rule: hit.rule, state: 'sent', dueOn, sentBy: actor.id });
    await appendStep(tx, { id, countyCode: hit.countyCode, rule: hit.rule }, actor, { kind: 'sent', body: body.data!, dueOn }, 'sent', 'livelihood.suspectSent');
    return ok({ id });
  });
}

/** Locks a suspect row: each step re-checks the state under this lock, so two steps at once give one step and a refusal. */
async function lockSuspect(tx: DbOrTx, id: string): Promise<LivelihoodSuspectRow | undefined> {
  const [row] = await tx.select().from(livelihoodSuspects).where(eq(livelihoodSuspects.id, id)).for('update');
  return row;
}

const AnswerInput = z.object({ answer: z.enum(SUSPECT_ANSWERS, { message: '请选择核查结论：属实，或有合理解释' }), body: Reply, evidence: Evidence });

/** The paying department answers a suspect it was sent (or sent back): confirmed or explained, with its evidence. */
export async function answerSuspect(
  db: Db,
  actor: Actor,
  input: { suspectId: unknown; answer: unknown; body: unknown; evidence: unknown },
): Promise<Result<null>> {
  const id = SuspectId.safeParse(input.suspectId);
  if (!id.success) return fail({ form: '没有找到该疑点' }, 404);
  const parsed = AnswerInput.safeParse({ answer: input.answer, body: String(input.body ?? ''), evidence: String(input.evidence ?? '') });
  if (!parsed.success) return fail(fieldErrors(parsed.error));
  const { answer, body, evidence } = parsed.data;
  return db.transaction(async (tx) => {
    const suspect = await lockSuspect(tx, id.data);
    if (!suspect) return fail({ form: '没有找到该疑点' }, 404);
    if (!can(await withDepartment(tx, actor), 'livelihood.answer', { scopeCode: suspect.countyCode, departmentId: suspect.departmentId })) return fail({ form: '只有发放该项补贴的部门可以答复' }, 403);
    if (suspect.state !== 'sent' && suspect.state !== 'returned') return fail({ form: '该疑点现在不需要答复（已答复待审核，或已进入整改、已办结）' }, 409);
    await tx.update(livelihoodSuspects).set({ state: 'answered', answer, updatedAt: new Date() }).where(eq(livelihoodSuspects.id, suspect.id));
    await appendStep(tx, suspect, actor, { kind: 'answered', body, evidence, answer }, 'answered', 'livelihood.suspectAnswered');
    return ok(null);
  });
}

/**
 * The county commission reviews what the department sent: an answer (state answered) or a
 * correction (state corrected). `accept` of an explanation or of a correction closes the suspect;
 * of a confirmation, it opens the correction with a day to correct by. `return` sends it back with
 * a new day. The note is the commission's feedback, kept in the history.
 */
export async function reviewSuspect(
  db: Db,
  actor: Actor,
  input: { suspectId: unknown; decision: unknown; body: unknown; dueOn?: unknown },
  today = todayInShanghai(),
): Promise<Result<{ state: SuspectState }>> {
  const id = SuspectId.safeParse(input.suspectId);
  if (!id.success) return fail({ form: '没有找到该疑点' }, 404);
  const decision = input.decision === 'accept' || input.decision === 'return' ? input.decision : null;
  const body = ReviewNote.safeParse(String(input.body ?? ''));
  const dueOn = String(input.dueOn ?? '').trim();
  const errors: Record<string, string> = {};
  if (!decision) errors.decision = '请选择审核结果：认可，或退回重新核查';
  if (!body.success) errors.body = body.error.issues[0]!.message;
  if (Object.keys(errors).length) return fail(errors);
  return db.transaction(async (tx) => {
    const suspect = await lockSuspect(tx, id.data);
    if (!suspect) return fail({ form: '没有找到该疑点' }, 404);
    if (!can(actor, 'livelihood.supervise', { scopeCode: suspect.countyCode })) return fail({ form: '只有本县纪委监委可以审核' }, 403);
    if (suspect.state !== 'answered' && suspect.state !== 'corrected') return fail({ form: '部门还没有答复或报告整改，现在不能审核' }, 409);
    // A deadline is needed when the department owes something next: a second answer, a correction, a second correction.
    const opensCorrection = decision === 'accept' && suspect.state === 'answered' && suspect.answer === 'confirmed';
    const needsDue = decision === 'return' || opensCorrection;
    if (needsDue) {
      const due = dueProblem(dueOn, today);
      if (due) return fail({ dueOn: opensCorrection ? `整改${due}` : due });
    }
    let next: SuspectState;
    let kind: SuspectStepKind;
    if (decision === 'return') {
      next = suspect.state === 'answered' ? 'returned' : 'correcting';
      kind = 'returned';
    } else if (opensCorrection) {
      next = 'correcting';
      kind = 'accepted';
    } else {
      next = 'closed';
      kind = 'closed';
    }
    const now = new Date();
    await tx
      .update(livelihoodSuspects)
      .set({ state: next, updatedAt: now, ...(needsDue ? { dueOn } : {}), ...(next === 'closed' ? { closedAt: now } : {}) })
      .where(eq(livelihoodSuspects.id, suspect.id));
    await appendStep(tx, suspect, actor, { kind, body: body.data!, ...(needsDue ? { dueOn } : {}) }, next, 'livelihood.suspectReviewed');
    return ok({ state: next });
  });
}

/** The department reports its correction of a confirmed suspect: payment stopped or not, the amount to recover and recovered so far (yuan). */
export async function recordCorrection(
  db: Db,
  actor: Actor,
  input: { suspectId: unknown; paymentStopped: unknown; toRecover: unknown; recovered: unknown; body: unknown },
): Promise<Result<null>> {
  const id = SuspectId.safeParse(input.suspectId);
  if (!id.success) return fail({ form: '没有找到该疑点' }, 404);
  const errors: Record<string, string> = {};
  const stopped = input.paymentStopped === 'yes' || input.paymentStopped === true ? true : input.paymentStopped === 'no' || input.paymentStopped === false ? false : null;
  if (stopped === null) errors.paymentStopped = '请选择是否已停发';
  const toRecoverFen = parseYuanToFen(String(input.toRecover ?? '').trim() || 'x');
  if (toRecoverFen === null) errors.toRecover = '应追回金额应为不小于0、最多两位小数的金额（元），如：1,560 或 0';
  const recoveredFen = parseYuanToFen(String(input.recovered ?? '').trim() || 'x');
  if (recoveredFen === null) errors.recovered = '已追回金额应为不小于0、最多两位小数的金额（元），如：520 或 0';
  else if (toRecoverFen !== null && recoveredFen > toRecoverFen) errors.recovered = '已追回金额不能大于应追回金额';
  const body = CorrectionNote.safeParse(String(input.body ?? ''));
  if (!body.success) errors.body = body.error.issues[0]!.message;
  if (Object.keys(errors).length) return fail(errors);
  const correction = { paymentStopped: stopped!, toRecoverFen: toRecoverFen!, recoveredFen: recoveredFen! };
  return db.transaction(async (tx) => {
    const suspect = await lockSuspect(tx, id.data);
    if (!suspect) return fail({ form: '没有找到该疑点' }, 404);
    if (!can(await withDepartment(tx, actor), 'livelihood.answer', { scopeCode: suspect.countyCode, departmentId: suspect.departmentId })) return fail({ form: '只有发放该项补贴的部门可以报告整改' }, 403);
    if (suspect.state !== 'correcting') return fail({ form: '该疑点现在不需要报告整改' }, 409);
    await tx.update(livelihoodSuspects).set({ state: 'corrected', ...correction, updatedAt: new Date() }).where(eq(livelihoodSuspects.id, suspect.id));
    await appendStep(tx, suspect, actor, { kind: 'corrected', body: body.data!, correction }, 'corrected', 'livelihood.suspectCorrected');
    return ok(null);
  });
}

export interface SuspectLine {
  id: string;
  hitId: number;
  rule: HitRule;
  state: SuspectState;
  answer: SuspectAnswer | null;
  dueOn: string;
  /** The department owes an answer or a correction and the day has passed (Asia/Shanghai). */
  overdue: boolean;
  itemName: string;
  departmentName: string;
  villageName: string;
  period: string;
  nameMasked: string;
  idLast4: string;
  amountFen: number;
  toRecoverFen: number | null;
  recoveredFen: number | null;
  sentAt: Date;
  closedAt: Date | null;
}

export type SuspectFilter = 'open' | 'department' | 'commission' | 'closed' | 'all';
export const SUSPECT_FILTERS: readonly SuspectFilter[] = ['open', 'department', 'commission', 'closed', 'all'];

function scopeWhere(scope: HitScope): SQL {
  if (scope.kind === 'department') return eq(livelihoodSuspects.departmentId, scope.departmentId);
  if (levelOfCode(scope.areaCode) === 'county') return eq(livelihoodSuspects.countyCode, scope.areaCode);
  const { from, to } = subtreeRange(scope.areaCode);
  return and(gte(livelihoodSuspects.countyCode, from), lt(livelihoodSuspects.countyCode, to))!;
}

function filterWhere(filter: SuspectFilter): SQL | undefined {
  switch (filter) {
    case 'open':
      return sql`${livelihoodSuspects.state} <> 'closed'`;
    case 'department':
      return inArray(livelihoodSuspects.state, [...DEPARTMENT_OWES]);
    case 'commission':
      return inArray(livelihoodSuspects.state, [...COMMISSION_OWES]);
    case 'closed':
      return eq(livelihoodSuspects.state, 'closed');
    case 'all':
      return undefined;
  }
}

const lineColumns = {
  id: livelihoodSuspects.id,
  hitId: livelihoodSuspects.hitId,
  rule: livelihoodSuspects.rule,
  state: livelihoodSuspects.state,
  answer: livelihoodSuspects.answer,
  dueOn: livelihoodSuspects.dueOn,
  itemName: subsidyItems.name,
  departmentName: livelihoodDepartments.name,
  villageName: areas.name,
  period: livelihoodHits.period,
  nameMasked: payments.nameMasked,
  idLast4: payments.idLast4,
  amountFen: payments.amountFen,
  toRecoverFen: livelihoodSuspects.toRecoverFen,
  recoveredFen: livelihoodSuspects.recoveredFen,
  sentAt: livelihoodSuspects.sentAt,
  closedAt: livelihoodSuspects.closedAt,
};

function toLine(row: Omit<SuspectLine, 'overdue' | 'amountFen'> & { amountFen: number | bigint }, today: string): SuspectLine {
  return { ...row, amountFen: Number(row.amountFen), overdue: DEPARTMENT_OWES.includes(row.state) && today > row.dueOn };
}

/** The suspects in scope for a filter, the earliest due first, a page of SUSPECTS_PAGE_SIZE. */
export async function listSuspects(
  db: DbOrTx,
  scope: HitScope,
  options: { filter?: SuspectFilter; page?: number; today?: string } = {},
): Promise<{ suspects: SuspectLine[]; total: number; page: number; pages: number }> {
  const today = options.today ?? todayInShanghai();
  const where = and(scopeWhere(scope), filterWhere(options.filter ?? 'open'));
  const [{ total } = { total: 0 }] = await db.select({ total: count() }).from(livelihoodSuspects).where(where);
  const pages = Math.max(1, Math.ceil(Number(total) / SUSPECTS_PAGE_SIZE));
  const current = Math.min(Math.max(1, Math.floor(options.page ?? 1) || 1), pages);
  const rows = await db
    .select(lineColumns)
    .from(livelihoodSuspects)
    .innerJoin(livelihoodHits, eq(livelihoodHits.id, livelihoodSuspects.hitId))
    .innerJoin(payments, eq(payments.id, livelihoodHits.paymentId))
    .innerJoin(subsidyItems, eq(subsidyItems.id, livelihoodHits.itemId))
    .innerJoin(livelihoodDepartments, eq(livelihoodDepartments.id, livelihoodSuspects.departmentId))
    .innerJoin(areas, eq(areas.code, livelihoodHits.villageCode))
    .where(where)
    .orderBy(asc(livelihoodSuspects.dueOn), asc(livelihoodSuspects.sentAt), asc(livelihoodSuspects.id))
    .limit(SUSPECTS_PAGE_SIZE)
    .offset((current - 1) * SUSPECTS_PAGE_SIZE);
  return { suspects: rows.map((row) => toLine(row, today)), total: Number(total), page: current, pages };
}

export interface SuspectStepView {
  kind: SuspectStepKind;
  at: Date;
  by: string;
  body: string | null;
  evidence: string | null;
  dueOn: string | null;
  answer: SuspectAnswer | null;
  paymentStopped: boolean | null;
  toRecoverFen: number | null;
  recoveredFen: number | null;
}

export interface SuspectView {
  suspect: SuspectLine & { countyCode: string; departmentId: string; hitClearedAt: Date | null; hitDetail: Record<string, unknown>; paidOn: string };
  steps: SuspectStepView[];
  /** Who the viewer is to this suspect: the paying department, the county commission that acts, or a reader (a city commission). */
  side: 'department' | 'commission' | 'reader';
  /** What this viewer may do now. */
  mayAnswer: boolean;
  mayCorrect: boolean;
  mayReview: boolean;
}

/** One suspect with its history for a viewer who may read its hit; undefined when absent or not theirs (the page answers 404 for both). */
export async function getSuspect(db: DbOrTx, actor: Actor, id: string, today = todayInShanghai()): Promise<SuspectView | undefined> {
  if (!SuspectId.safeParse(id).success) return undefined;
  const [row] = await db
    .select({ ...lineColumns, countyCode: livelihoodSuspects.countyCode, departmentId: livelihoodSuspects.departmentId, hitClearedAt: livelihoodHits.clearedAt, hitDetail: livelihoodHits.detail, paidOn: payments.paidOn })
    .from(livelihoodSuspects)
    .innerJoin(livelihoodHits, eq(livelihoodHits.id, livelihoodSuspects.hitId))
    .innerJoin(payments, eq(payments.id, livelihoodHits.paymentId))
    .innerJoin(subsidyItems, eq(subsidyItems.id, livelihoodHits.itemId))
    .innerJoin(livelihoodDepartments, eq(livelihoodDepartments.id, livelihoodSuspects.departmentId))
    .innerJoin(areas, eq(areas.code, livelihoodHits.villageCode))
    .where(eq(livelihoodSuspects.id, id));
  if (!row) return undefined;
  const viewer = await withDepartment(db, actor);
  const reader = viewer.role === 'department' ? { scopeCode: row.countyCode, departmentId: row.departmentId } : { scopeCode: row.countyCode };
  if (!can(viewer, 'livelihood.hits', reader)) return undefined;
  const actors = alias(users, 'step_actors');
  const steps = await db
    .select({ step: livelihoodSuspectSteps, by: actors.displayName })
    .from(livelihoodSuspectSteps)
    .innerJoin(actors, eq(actors.id, livelihoodSuspectSteps.actorId))
    .where(eq(livelihoodSuspectSteps.suspectId, id))
    .orderBy(asc(livelihoodSuspectSteps.id));
  const department = can(viewer, 'livelihood.answer', { scopeCode: row.countyCode, departmentId: row.departmentId });
  const commission = can(viewer, 'livelihood.supervise', { scopeCode: row.countyCode });
  return {
    suspect: { ...toLine(row, today), countyCode: row.countyCode, departmentId: row.departmentId, hitClearedAt: row.hitClearedAt, hitDetail: row.hitDetail, paidOn: row.paidOn },
    steps: steps.map(({ step, by }) => ({
      kind: step.kind,
      at: step.at,
      by,
      body: step.body,
      evidence: step.evidence,
      dueOn: step.dueOn,
      answer: step.answer,
      paymentStopped: step.paymentStopped,
      toRecoverFen: step.toRecoverFen === null ? null : Number(step.toRecoverFen),
      recoveredFen: step.recoveredFen === null ? null : Number(step.recoveredFen),
    })),
    side: department ? 'department' : commission ? 'commission' : 'reader',
    mayAnswer: department && (row.state === 'sent' || row.state === 'returned'),
    mayCorrect: department && row.state === 'correcting',
    mayReview: commission && COMMISSION_OWES.includes(row.state),
  };
}

/** For the hits page: the suspect of each hit that has been sent, by hit id. */
export async function suspectsOfHits(db: DbOrTx, hitIds: readonly number[]): Promise<Map<number, { id: string; state: SuspectState }>> {
  const result = new Map<number, { id: string; state: SuspectState }>();
  if (hitIds.length === 0) return result;
  const rows = await db.select({ hitId: livelihoodSuspects.hitId, id: livelihoodSuspects.id, state: livelihoodSuspects.state }).from(livelihoodSuspects).where(inArray(livelihoodSuspects.hitId, [...hitIds]));
  for (const row of rows) result.set(row.hitId, { id: row.id, state: row.state });
  return result;
}

/** For the staff home: how many suspects wait on this viewer (the department's answers and corrections, the commission's reviews), and how many of the department's are overdue. */
export async function suspectsWaiting(db: DbOrTx, scope: HitScope, today = todayInShanghai()): Promise<{ waiting: number; overdue: number }> {
  const owes = scope.kind === 'department' ? DEPARTMENT_OWES : COMMISSION_OWES;
  const [row] = await db
    .select({ waiting: count(), overdue: sql<number>`count(*) filter (where ${livelihoodSuspects.dueOn} < ${today})` })
    .from(livelihoodSuspects)
    .where(and(scopeWhere(scope), inArray(livelihoodSuspects.state, [...owes])));
  return { waiting: Number(row?.waiting ?? 0), overdue: scope.kind === 'department' ? Number(row?.overdue ?? 0) : 0 };
}

/** A suspect that is a point of the village integrity picture: confirmed (a finding), or unanswered past its due day. */
export interface SuspectFinding {
  villageCode: string;
  suspectId: string;
  rule: HitRule;
  period: string;
  kind: 'confirmed' | 'overdue';
  dueOn: string;
}

/**
 * For the integrity picture, per village: the confirmed suspects (the department confirmed the
 * hit and the commission accepted it: correcting, corrected, or closed after a correction) and the
 * suspects the department left unanswered after their due day (sent or sent back). An explained
 * suspect is neither. One grouped query for all the villages asked.
 */
export async function suspectFindingsByVillage(db: DbOrTx, villageCodes: readonly string[], today = todayInShanghai()): Promise<SuspectFinding[]> {
  if (villageCodes.length === 0) return [];
  const rows = await db
    .select({ villageCode: livelihoodHits.villageCode, suspectId: livelihoodSuspects.id, rule: livelihoodSuspects.rule, period: livelihoodHits.period, state: livelihoodSuspects.state, answer: livelihoodSuspects.answer, toRecoverFen: livelihoodSuspects.toRecoverFen, dueOn: livelihoodSuspects.dueOn })
    .from(livelihoodSuspects)
    .innerJoin(livelihoodHits, eq(livelihoodHits.id, livelihoodSuspects.hitId))
    .where(
      and(
        inArray(livelihoodHits.villageCode, [...villageCodes]),
        or(
          and(eq(livelihoodSuspects.answer, 'confirmed'), or(inArray(livelihoodSuspects.state, ['correcting', 'corrected']), and(eq(livelihoodSuspects.state, 'closed'), sql`${livelihoodSuspects.toRecoverFen} is not null`))),
          and(inArray(livelihoodSuspects.state, ['sent', 'returned']), lt(livelihoodSuspects.dueOn, today)),
        ),
      ),
    )
    .orderBy(asc(livelihoodHits.villageCode), asc(livelihoodSuspects.sentAt), asc(livelihoodSuspects.id));
  return rows.map((row) => ({ villageCode: row.villageCode, suspectId: row.suspectId, rule: row.rule, period: row.period, kind: row.state === 'sent' || row.state === 'returned' ? 'overdue' : 'confirmed', dueOn: row.dueOn }));
}

/** Per county of a scope: hits that hold, suspects sent, and corrections closed with the amounts recovered (for the open statistics, suppressed there). */
export async function suspectFiguresByCounty(db: DbOrTx, countyCodes: readonly string[]): Promise<Map<string, { hits: number; sent: number; corrected: number; recoveredFen: number }>> {
  const result = new Map<string, { hits: number; sent: number; corrected: number; recoveredFen: number }>();
  if (countyCodes.length === 0) return result;
  for (const code of countyCodes) result.set(code, { hits: 0, sent: 0, corrected: 0, recoveredFen: 0 });
  const hits = await db
    .select({ county: livelihoodHits.countyCode, n: count() })
    .from(livelihoodHits)
    .where(and(inArray(livelihoodHits.countyCode, [...countyCodes]), isNull(livelihoodHits.clearedAt)))
    .groupBy(livelihoodHits.countyCode);
  for (const row of hits) result.get(row.county)!.hits = Number(row.n);
  const suspects = await db
    .select({
      county: livelihoodSuspects.countyCode,
      sent: count(),
      corrected: sql<number>`count(*) filter (where ${livelihoodSuspects.state} = 'closed' and ${livelihoodSuspects.toRecoverFen} is not null)`,
      recoveredFen: sql<string>`coalesce(sum(${livelihoodSuspects.recoveredFen}) filter (where ${livelihoodSuspects.state} = 'closed'), 0)`,
    })
    .from(livelihoodSuspects)
    .where(inArray(livelihoodSuspects.countyCode, [...countyCodes]))
    .groupBy(livelihoodSuspects.countyCode);
  for (const row of suspects) Object.assign(result.get(row.county)!, { sent: Number(row.sent), corrected: Number(row.corrected), recoveredFen: Number(row.recoveredFen) });
  return result;
}
