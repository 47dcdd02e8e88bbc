/**
 * Supervision by the discipline commission (监督): it signs nothing, but reads every period in its
 * scope and raises supervision opinions (监督意见) on a period or one of its entries, addressed to the
 * township agency, with a day by which the agency answers. An opinion not answered by then is
 * overdue. Opinions and answers are append-only (database triggers) and belong to the period's
 * history, shown to the village's own staff and, for published periods, to the public.
 */
import { and, asc, eq, gte, inArray, isNull, lt } from 'drizzle-orm';
import { alias } from 'drizzle-orm/pg-core';
import { z } from 'zod';
import { disclosures, fundEntries } from '../../../../db/schema/accounts.ts';
import { areas } from '../../../../db/schema/areas.ts';
import { users } from '../../../../db/schema/auth.ts';
import { opinionAnswers, supervisionOpinions } from '../../../../db/schema/supervision.ts';
import { recordAudit } from '../audit.ts';
import { subtreeRange } from '../areas/codes.ts';
import { can } from '../auth/permissions.ts';
import type { Db, DbOrTx } from '../db.ts';
import { announcePublicChange } from '../public-changes.ts';
import { fail, ok, type Actor, type Result } from '../result.ts';
import { isIsoDate, todayInShanghai } from '../time.ts';
import { rowNumber } from '../validation.ts';

/** Days the agency is given to answer, unless the commission sets another day. */
export const OPINION_ANSWER_DAYS = 15;
/** The longest answer time a commission may set. */
const MAX_ANSWER_DAYS = 90;

export function addDays(date: string, days: number): string {
  const at = new Date(`${date}T00:00:00Z`);
  at.setUTCDate(at.getUTCDate() + days);
  return at.toISOString().slice(0, 10);
}

const OpinionText = z.string().trim().min(10, '请写明监督意见（至少10个字）：发现了什么问题、需要三资代理服务中心核实或说明什么').max(1000, '监督意见不超过1000个字');
const AnswerText = z.string().trim().min(10, '请写明答复（至少10个字）：核实情况和处理结果').max(1000, '答复不超过1000个字');

const RaiseOpinion = z.object({
  disclosureId: rowNumber(),
  lineNo: rowNumber().nullable().optional(),
  body: OpinionText,
  dueOn: z.string().refine(isIsoDate, '答复期限应为日期，例如 2026-12-20'),
});

export interface OpinionView {
  id: number;
  lineNo: number | null;
  body: string;
  dueOn: string;
  raisedAt: Date;
  raisedBy: string | null;
  answer: { body: string; at: Date; by: string | null } | null;
  /** Unanswered and past its due day (Asia/Shanghai). */
  overdue: boolean;
}

/**
 * A commission raises an opinion on a period (any status: supervision does not wait for
 * publication) or on one of its entries. The period's row lock orders it with the period's own
 * steps, so the entry it names is the one the period has at that moment. Given a transaction (a
 * cross-check finding raising it, zones/cross-checks.ts), it runs as a savepoint of it.
 */
export async function raiseOpinion(
  db: DbOrTx,
  actor: Actor | null,
  input: { disclosureId: number; lineNo?: number | null; body: string; dueOn: string },
  today = todayInShanghai(),
): Promise<Result<{ id: number }>> {
  const parsed = RaiseOpinion.safeParse(input);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const field = issue.path[0] === 'body' ? 'opinion' : issue.path[0] === 'dueOn' ? 'dueOn' : 'form';
    return fail({ [field]: field === 'form' ? '没有找到该期公开' : issue.message });
  }
  const { disclosureId, lineNo, body, dueOn } = parsed.data;
  if (dueOn <= today || dueOn > addDays(today, MAX_ANSWER_DAYS)) return fail({ dueOn: `答复期限应在明天到${MAX_ANSWER_DAYS}天之内` });
  return db.transaction(async (tx) => {
    const [locked] = await tx.select().from(disclosures).where(eq(disclosures.id, disclosureId)).for('update');
    if (!locked) return fail({ form: '没有找到该期公开' }, 404);
    if (actor && !can(actor, 'ledger.supervise', { scopeCode: locked.villageCode })) return fail({ form: '只有辖区纪委监委可以提出监督意见' }, 403);
    if (lineNo) {
      const [entry] = await tx.select({ id: fundEntries.id }).from(fundEntries).where(and(eq(fundEntries.disclosureId, locked.id), eq(fundEntries.lineNo, lineNo)));
      if (!entry) return fail({ lineNo: `本期没有第${lineNo}条分录` });
    }
    const [created] = await tx
      .insert(supervisionOpinions)
      .values({ disclosureId: locked.id, lineNo: lineNo ?? null, villageCode: locked.villageCode, body, dueOn, raisedBy: actor?.id ?? null })
      .returning({ id: supervisionOpinions.id });
    await recordAudit(tx, {
      actor,
      action: 'disclosure.opinionRaised',
      subjectType: 'disclosure',
      subjectId: String(locked.id),
      scopeCode: locked.villageCode,
      detail: { period: locked.period, opinion: created!.id, lineNo: lineNo ?? null, dueOn },
    });
    if (locked.status === 'published') await announcePublicChange(tx);
    return ok({ id: created!.id });
  });
}

/**
 * The agency answers an opinion, once. The opinion row is locked, so two answers at once give one
 * answer and a message (the unique constraint would otherwise turn the second into an error).
 */
export async function answerOpinion(db: Db, actor: Actor | null, input: { opinionId: number; body: string }): Promise<Result<{ id: number }>> {
  const id = rowNumber().safeParse(input.opinionId);
  if (!id.success) return fail({ form: '没有找到该监督意见' }, 404);
  const body = AnswerText.safeParse(input.body ?? '');
  if (!body.success) return fail({ answer: body.error.issues[0]!.message });
  return db.transaction(async (tx) => {
    const [opinion] = await tx.select().from(supervisionOpinions).where(eq(supervisionOpinions.id, id.data)).for('update');
    if (!opinion) return fail({ form: '没有找到该监督意见' }, 404);
    if (actor && !can(actor, 'ledger.review', { scopeCode: opinion.villageCode })) return fail({ form: '只有本乡镇三资代理服务中心可以答复监督意见' }, 403);
    const [existing] = await tx.select({ id: opinionAnswers.id }).from(opinionAnswers).where(eq(opinionAnswers.opinionId, opinion.id));
    if (existing) return fail({ answer: '该监督意见已经答复；答复不能修改' });
    const [created] = await tx.insert(opinionAnswers).values({ opinionId: opinion.id, body: body.data, answeredBy: actor?.id ?? null }).returning({ id: opinionAnswers.id });
    await recordAudit(tx, {
      actor,
      action: 'disclosure.opinionAnswered',
      subjectType: 'disclosure',
      subjectId: String(opinion.disclosureId),
      scopeCode: opinion.villageCode,
      detail: { opinion: opinion.id },
    });
    const [period] = await tx.select({ status: disclosures.status }).from(disclosures).where(eq(disclosures.id, opinion.disclosureId));
    if (period?.status === 'published') await announcePublicChange(tx);
    return ok({ id: created!.id });
  });
}

/** The opinions on some periods with their answers, oldest first, keyed by period. */
export async function listOpinions(db: DbOrTx, disclosureIds: number[], today = todayInShanghai()): Promise<Map<number, OpinionView[]>> {
  const byPeriod = new Map<number, OpinionView[]>();
  if (!disclosureIds.length) return byPeriod;
  const raisers = alias(users, 'raisers');
  const rows = await db
    .select({ opinion: supervisionOpinions, raisedBy: raisers.displayName, answer: opinionAnswers, answeredBy: users.displayName })
    .from(supervisionOpinions)
    .leftJoin(raisers, eq(raisers.id, supervisionOpinions.raisedBy))
    .leftJoin(opinionAnswers, eq(opinionAnswers.opinionId, supervisionOpinions.id))
    .leftJoin(users, eq(users.id, opinionAnswers.answeredBy))
    .where(inArray(supervisionOpinions.disclosureId, disclosureIds))
    .orderBy(asc(supervisionOpinions.raisedAt), asc(supervisionOpinions.id));
  for (const row of rows) {
    const view: OpinionView = {
      id: row.opinion.id,
      lineNo: row.opinion.lineNo,
      body: row.opinion.body,
      dueOn: row.opinion.dueOn,
      raisedAt: row.opinion.raisedAt,
      raisedBy: row.raisedBy,
      answer: row.answer ? { body: row.answer.body, at: row.answer.answeredAt, by: row.answeredBy } : null,
      overdue: !row.answer && today > row.opinion.dueOn,
    };
    byPeriod.set(row.opinion.disclosureId, [...(byPeriod.get(row.opinion.disclosureId) ?? []), view]);
  }
  return byPeriod;
}

export interface OpenOpinion {
  id: number;
  disclosureId: number;
  period: string;
  villageName: string;
  lineNo: number | null;
  body: string;
  dueOn: string;
  overdue: boolean;
}

/** The unanswered opinions of a scope, the earliest due first: where the agency finds what it owes an answer. */
export async function listOpenOpinions(db: DbOrTx, scopeCode: string, today = todayInShanghai(), limit = 100): Promise<OpenOpinion[]> {
  const { from, to } = subtreeRange(scopeCode);
  const rows = await db
    .select({ opinion: supervisionOpinions, period: disclosures.period, villageName: areas.name })
    .from(supervisionOpinions)
    .innerJoin(disclosures, eq(disclosures.id, supervisionOpinions.disclosureId))
    .innerJoin(areas, eq(areas.code, supervisionOpinions.villageCode))
    .leftJoin(opinionAnswers, eq(opinionAnswers.opinionId, supervisionOpinions.id))
    .where(and(isNull(opinionAnswers.id), gte(supervisionOpinions.villageCode, from), lt(supervisionOpinions.villageCode, to)))
    .orderBy(asc(supervisionOpinions.dueOn), asc(supervisionOpinions.id))
    .limit(limit);
  return rows.map(({ opinion, period, villageName }) => ({
    id: opinion.id,
    disclosureId: opinion.disclosureId,
    period,
    villageName,
    lineNo: opinion.lineNo,
    body: opinion.body,
    dueOn: opinion.dueOn,
    overdue: today > opinion.dueOn,
  }));
}

/** Unanswered opinions per village of a scope, and how many of them are overdue. */
export async function openOpinionCounts(db: DbOrTx, scopeCode: string, today = todayInShanghai()): Promise<Map<string, { open: number; overdue: number }>> {
  const { from, to } = subtreeRange(scopeCode);
  const rows = await db
    .select({ village: supervisionOpinions.villageCode, dueOn: supervisionOpinions.dueOn })
    .from(supervisionOpinions)
    .leftJoin(opinionAnswers, eq(opinionAnswers.opinionId, supervisionOpinions.id))
    .where(and(isNull(opinionAnswers.id), gte(supervisionOpinions.villageCode, from), lt(supervisionOpinions.villageCode, to)));
  const counts = new Map<string, { open: number; overdue: number }>();
  for (const row of rows) {
    const count = counts.get(row.village) ?? { open: 0, overdue: 0 };
    count.open += 1;
    if (today > row.dueOn) count.overdue += 1;
    counts.set(row.village, count);
  }
  return counts;
}
