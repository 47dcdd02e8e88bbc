/**
 * 政治生态提级研判 (issue 13 §1): each quarter the designating commission writes a judgement
 * (研判意见) on a designated village, stored append-only with a snapshot of the integrity picture's
 * figures it was based on (jsonb), so the print shows what the commission saw then, not what the
 * picture says today. The house write shape: zod → one transaction locking the designation, the
 * permission and state re-checked inside → the row and an audit entry → a `Result`.
 */
import { and, desc, eq } from 'drizzle-orm';
import { z } from 'zod';
import { users } from '../../../../db/schema/auth.ts';
import { escalatedDesignations, escalatedJudgements } from '../../../../db/schema/escalated.ts';
import { isWithin } from '../areas/codes.ts';
import { recordAudit } from '../audit.ts';
import { can } from '../auth/permissions.ts';
import type { Db, DbOrTx } from '../db.ts';
import { fail, ok, type Actor, type Result } from '../result.ts';
import { todayInShanghai } from '../time.ts';
import { fieldErrors, visibleText } from '../validation.ts';
import { NOT_DESIGNATED } from './escalated.ts';
import { integrityFigures, type IntegrityFigures } from './integrity.ts';

/** The quarter a day lies in, and the one before it: the two a judgement may be written for. */
export function judgeableQuarters(today = todayInShanghai()): string[] {
  const year = Number(today.slice(0, 4));
  const quarter = Math.floor((Number(today.slice(5, 7)) - 1) / 3) + 1;
  const previous = quarter === 1 ? `${year - 1}-Q4` : `${year}-Q${quarter - 1}`;
  return [`${year}-Q${quarter}`, previous];
}

const JudgementInput = z.object({
  quarter: z.string().regex(/^\d{4}-Q[1-4]$/, '请选择研判的季度'),
  body: visibleText({ label: '研判意见', min: 30, max: 5000, minMessage: '请写明研判意见（至少30个字）：政治生态总体情况、突出问题、下一步监督重点' }),
});

/** The figures as stored in a judgement: the picture without the per-case fields of its sources. */
export type JudgementFigures = Omit<IntegrityFigures, 'points'> & { points: Array<{ source: string; points: number; label: string }> };

function snapshot(figures: IntegrityFigures): JudgementFigures {
  return {
    ...figures,
    points: figures.points.map((point) => ({
      source: point.source,
      points: point.points,
      label:
        point.source === 'flag'
          ? `${point.period} ${point.kind}`
          : point.source === 'finding'
            ? `${point.caseNumber} ${point.finding}`
            : point.source === 'opinion'
              ? `${point.period} 意见#${point.opinionId} ${point.dueOn}`
              : point.source === 'suspect'
                ? `${point.period} ${point.rule} ${point.kind}`
                : `${point.period} ${point.status}`,
    })),
  };
}

export async function writeJudgement(db: Db, actor: Actor, input: { designationId: string; quarter: string; body: string }, today = todayInShanghai()): Promise<Result<{ id: number }>> {
  const parsed = JudgementInput.safeParse(input);
  const errors = parsed.success ? {} : fieldErrors(parsed.error);
  if (parsed.success && !judgeableQuarters(today).includes(parsed.data.quarter)) errors.quarter = '只能对本季度或上一季度作出研判';
  if (!parsed.success || Object.keys(errors).length) return fail(errors);
  if (!/^[0-9a-f-]{36}$/.test(input.designationId)) return fail({ form: NOT_DESIGNATED }, 404);
  return db.transaction(async (tx) => {
    const [row] = await tx.select().from(escalatedDesignations).where(eq(escalatedDesignations.id, input.designationId)).for('update');
    if (!row) return fail({ form: NOT_DESIGNATED }, 404);
    if (!can(actor, 'escalated.designate', { scopeCode: row.villageCode }) || !actor.scopeCode || !isWithin(actor.scopeCode, row.commissionCode)) return fail({ form: '只有作出提级监督决定的纪委监委（或其上级）可以作出研判' }, 403);
    if (row.endedOn) return fail({ form: '该村的提级监督已经结束' });
    const figures = (await integrityFigures(tx, `${row.villageCode.slice(0, 9)}000`, [row.villageCode], today)).get(row.villageCode)!;
    const [written] = await tx
      .insert(escalatedJudgements)
      .values({ designationId: row.id, villageCode: row.villageCode, quarter: parsed.data.quarter, body: parsed.data.body, figures: snapshot(figures) as unknown as Record<string, unknown>, writtenBy: actor.id })
      .returning({ id: escalatedJudgements.id });
    await recordAudit(tx, { actor, action: 'escalated.judged', subjectType: 'escalated_designation', subjectId: row.id, scopeCode: row.villageCode, detail: { quarter: parsed.data.quarter, score: figures.score } });
    return ok({ id: written!.id });
  });
}

export interface JudgementView {
  id: number;
  designationId: string;
  villageCode: string;
  quarter: string;
  body: string;
  figures: JudgementFigures;
  writtenBy: string | null;
  writtenAt: Date;
}

/** A village's judgements, newest first. */
export async function listJudgements(db: DbOrTx, villageCode: string): Promise<JudgementView[]> {
  const rows = await db
    .select({ row: escalatedJudgements, writtenBy: users.displayName })
    .from(escalatedJudgements)
    .leftJoin(users, eq(users.id, escalatedJudgements.writtenBy))
    .where(eq(escalatedJudgements.villageCode, villageCode))
    .orderBy(desc(escalatedJudgements.writtenAt), desc(escalatedJudgements.id));
  return rows.map(({ row, writtenBy }) => ({ ...row, figures: row.figures as unknown as JudgementFigures, writtenBy }));
}

export async function getJudgement(db: DbOrTx, villageCode: string, id: number): Promise<JudgementView | undefined> {
  if (!Number.isSafeInteger(id) || id <= 0) return undefined;
  const rows = await db
    .select({ row: escalatedJudgements, writtenBy: users.displayName })
    .from(escalatedJudgements)
    .leftJoin(users, eq(users.id, escalatedJudgements.writtenBy))
    .where(and(eq(escalatedJudgements.villageCode, villageCode), eq(escalatedJudgements.id, id)));
  const found = rows[0];
  return found ? { ...found.row, figures: found.row.figures as unknown as JudgementFigures, writtenBy: found.writtenBy } : undefined;
}
