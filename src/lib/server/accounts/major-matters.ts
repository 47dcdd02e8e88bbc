/**
 * Major matters (重大事项) are disclosed at once, without waiting for their period: a single receipt
 * or payment at or above MAJOR_MATTER_YUAN, or any entry the cadre marks as one. The cadre reports
 * the entry (a snapshot of it becomes a pending notice); the village supervision committee
 * countersigns the notice, which publishes it on the village page straight away.
 *
 * Why the committee's countersignature and not the agency's approval publishes it: a notice says
 * "this was paid, on this decision", which the committee has just checked against the voucher and
 * the meeting record — the same check it makes for the period — while the agency's review is of the
 * period's books as a whole, weeks later. Waiting for it would turn "at once" into "with the
 * period". The entry is disclosed again, reviewed and hash-chained, with its period; a published
 * notice never changes (database trigger), and a correction is a later entry, as for any period.
 */
import { and, asc, desc, eq } from 'drizzle-orm';
import { z } from 'zod';
import { disclosures, fundEntries } from '../../../../db/schema/accounts.ts';
import { majorMatters, type MajorMatterRow } from '../../../../db/schema/supervision.ts';
import { recordAudit } from '../audit.ts';
import { can } from '../auth/permissions.ts';
import { getConfig } from '../config.ts';
import type { Db, DbOrTx } from '../db.ts';
import { announcePublicChange } from '../public-changes.ts';
import { fail, ok, type Actor, type Result } from '../result.ts';
import { rowNumber } from '../validation.ts';

const ReportRef = z.object({ disclosureId: rowNumber(), lineNo: rowNumber() });

/** True when an entry is large enough to be a major matter by itself. */
export function isMajorAmount(amountFen: number): boolean {
  return amountFen >= getConfig().majorMatterFen;
}

/** The cadre reports an entry of a draft as a major matter: a pending notice with a snapshot of the entry. */
export async function reportMajorMatter(db: Db, actor: Actor | null, input: { disclosureId: number; lineNo: number }): Promise<Result<{ id: number }>> {
  const ref = ReportRef.safeParse(input);
  if (!ref.success) return fail({ form: '没有找到该分录' }, 404);
  return db.transaction(async (tx) => {
    const [locked] = await tx.select().from(disclosures).where(eq(disclosures.id, ref.data.disclosureId)).for('update');
    if (!locked) return fail({ form: '没有找到该期公开' }, 404);
    if (actor && !can(actor, 'ledger.edit', { scopeCode: locked.villageCode })) return fail({ form: '只有本村报账员可以报告重大事项' }, 403);
    if (locked.status !== 'draft') return fail({ form: '只有草稿期间的分录可以报告为重大事项；已提交的请先撤回' });
    const [entry] = await tx.select().from(fundEntries).where(and(eq(fundEntries.disclosureId, locked.id), eq(fundEntries.lineNo, ref.data.lineNo)));
    if (!entry) return fail({ form: '没有找到该分录' }, 404);
    const [already] = await tx
      .select({ id: majorMatters.id })
      .from(majorMatters)
      .where(and(eq(majorMatters.disclosureId, locked.id), eq(majorMatters.lineNo, entry.lineNo)));
    if (already) return fail({ form: `第${entry.lineNo}条已经报告为重大事项` });
    const [created] = await tx
      .insert(majorMatters)
      .values({
        villageCode: locked.villageCode,
        disclosureId: locked.id,
        lineNo: entry.lineNo,
        entryDate: entry.entryDate,
        direction: entry.direction,
        amountFen: entry.amountFen,
        subject: entry.subject,
        summary: entry.summary,
        counterparty: entry.counterparty,
        decisionRef: entry.decisionRef,
        reportedBy: actor?.id ?? null,
      })
      .returning({ id: majorMatters.id });
    await recordAudit(tx, {
      actor,
      action: 'disclosure.majorReported',
      subjectType: 'disclosure',
      subjectId: String(locked.id),
      scopeCode: locked.villageCode,
      detail: { period: locked.period, lineNo: entry.lineNo, notice: created!.id },
    });
    return ok({ id: created!.id });
  });
}

/** The supervision committee countersigns a pending notice, which publishes it (row lock: one publication). */
export async function publishMajorMatter(db: Db, actor: Actor | null, input: { noticeId: number }): Promise<Result> {
  const id = rowNumber().safeParse(input.noticeId);
  if (!id.success) return fail({ form: '没有找到该重大事项' }, 404);
  return db.transaction(async (tx) => {
    const [notice] = await tx.select().from(majorMatters).where(eq(majorMatters.id, id.data)).for('update');
    if (!notice) return fail({ form: '没有找到该重大事项' }, 404);
    if (actor && !can(actor, 'ledger.countersign', { scopeCode: notice.villageCode })) return fail({ form: '只有本村村务监督委员会可以签核重大事项' }, 403);
    if (notice.status !== 'pending') return fail({ form: '该重大事项已经公开' });
    await tx.update(majorMatters).set({ status: 'published', publishedBy: actor?.id ?? null, publishedAt: new Date() }).where(eq(majorMatters.id, notice.id));
    await recordAudit(tx, {
      actor,
      action: 'disclosure.majorPublished',
      subjectType: 'disclosure',
      subjectId: String(notice.disclosureId),
      scopeCode: notice.villageCode,
      detail: { notice: notice.id, lineNo: notice.lineNo },
    });
    await announcePublicChange(tx);
    return ok();
  });
}

/** A period's notices, pending and published, in line order (the workspace). */
export async function listPeriodMajorMatters(db: DbOrTx, disclosureId: number): Promise<MajorMatterRow[]> {
  return db.select().from(majorMatters).where(eq(majorMatters.disclosureId, disclosureId)).orderBy(asc(majorMatters.lineNo));
}

/** A village's published notices, newest first (the public village page). */
export async function listPublishedMajorMatters(db: DbOrTx, villageCode: string, limit = 20): Promise<MajorMatterRow[]> {
  return db
    .select()
    .from(majorMatters)
    .where(and(eq(majorMatters.villageCode, villageCode), eq(majorMatters.status, 'published')))
    .orderBy(desc(majorMatters.entryDate), desc(majorMatters.id))
    .limit(limit);
}
