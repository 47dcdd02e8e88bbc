/**
 * A department's payment batches after the import: its list, one batch with its rows as staff see
 * them (masked name and last four characters of the ID number only), and the two steps a batch
 * takes — published (the village page lists it, 公示) and withdrawn (taken back with a reason, its
 * payments kept). Each step is recorded on the batch (who, when, why) and in the audit log.
 *
 * The write shape of the house: one transaction locks the batch, re-reads the account's department
 * and asks `can('livelihood.import')` for the item's department and county inside the lock, then
 * re-checks the status. Another department's batch is "not found".
 */
import { and, asc, desc, eq, sql } from 'drizzle-orm';
import { areas } from '../../../../db/schema/areas.ts';
import { livelihoodDepartments, paymentBatches, payments, subsidyItems, type BatchStatus, type PaymentBatchRow } from '../../../../db/schema/livelihood.ts';
import { recordAudit } from '../audit.ts';
import { can } from '../auth/permissions.ts';
import type { Db, DbOrTx } from '../db.ts';
import { fail, ok, type Actor, type Result } from '../result.ts';
import { runChecksAfter } from './cross-checks.ts';
import { departmentOf } from './items.ts';

export interface BatchSummary {
  id: string;
  itemName: string;
  villageCode: string;
  villageName: string;
  period: string;
  status: BatchStatus;
  count: number;
  totalFen: number;
  importedAt: Date;
  publishedAt: Date | null;
  withdrawnAt: Date | null;
  withdrawReason: string | null;
}

const summaryColumns = {
  id: paymentBatches.id,
  itemName: subsidyItems.name,
  villageCode: paymentBatches.villageCode,
  villageName: areas.name,
  period: paymentBatches.period,
  status: paymentBatches.status,
  count: sql<number>`(select count(*)::int from payments p where p.batch_id = ${paymentBatches.id})`,
  totalFen: sql<number>`(select coalesce(sum(p.amount_fen), 0)::bigint from payments p where p.batch_id = ${paymentBatches.id})`,
  importedAt: paymentBatches.importedAt,
  publishedAt: paymentBatches.publishedAt,
  withdrawnAt: paymentBatches.withdrawnAt,
  withdrawReason: paymentBatches.withdrawReason,
};

const asSummary = (row: Omit<BatchSummary, 'totalFen'> & { totalFen: number | string }): BatchSummary => ({ ...row, count: Number(row.count), totalFen: Number(row.totalFen) });

/** The department's batches, newest first. */
export async function listBatches(db: DbOrTx, departmentId: string): Promise<BatchSummary[]> {
  const rows = await db
    .select(summaryColumns)
    .from(paymentBatches)
    .innerJoin(subsidyItems, eq(subsidyItems.id, paymentBatches.itemId))
    .innerJoin(areas, eq(areas.code, paymentBatches.villageCode))
    .where(eq(subsidyItems.departmentId, departmentId))
    .orderBy(desc(paymentBatches.importedAt), asc(paymentBatches.id));
  return rows.map(asSummary);
}

export interface StaffPaymentLine {
  line: number;
  nameMasked: string;
  idLast4: string;
  amountFen: number;
  paidOn: string;
  hasBankAccount: boolean;
}

/** One batch of the actor's own department with its rows, or undefined. */
export async function getOwnBatch(db: DbOrTx, actor: Actor, batchId: string): Promise<{ batch: BatchSummary; lines: StaffPaymentLine[] } | undefined> {
  const department = await departmentOf(db, actor);
  if (!department || !/^[0-9a-f-]{36}$/.test(batchId)) return undefined;
  const [row] = await db
    .select(summaryColumns)
    .from(paymentBatches)
    .innerJoin(subsidyItems, eq(subsidyItems.id, paymentBatches.itemId))
    .innerJoin(areas, eq(areas.code, paymentBatches.villageCode))
    .where(and(eq(paymentBatches.id, batchId), eq(subsidyItems.departmentId, department.id)));
  if (!row) return undefined;
  const lines = await db
    .select({ line: payments.line, nameMasked: payments.nameMasked, idLast4: payments.idLast4, amountFen: payments.amountFen, paidOn: payments.paidOn, bankAccountHash: payments.bankAccountHash })
    .from(payments)
    .where(eq(payments.batchId, batchId))
    .orderBy(asc(payments.line));
  return { batch: asSummary(row), lines: lines.map(({ bankAccountHash, ...line }) => ({ ...line, hasBankAccount: bankAccountHash !== null })) };
}

/** Locks the batch and answers whether the actor's department (re-read) may act on it. */
async function lockOwnBatch(tx: DbOrTx, actor: Actor, batchId: string): Promise<Result<{ batch: PaymentBatchRow; itemName: string; countyCode: string }>> {
  const [found] = /^[0-9a-f-]{36}$/.test(batchId)
    ? await tx
        .select({ batch: paymentBatches, itemName: subsidyItems.name, departmentId: subsidyItems.departmentId, countyCode: livelihoodDepartments.countyCode })
        .from(paymentBatches)
        .innerJoin(subsidyItems, eq(subsidyItems.id, paymentBatches.itemId))
        .innerJoin(livelihoodDepartments, eq(livelihoodDepartments.id, subsidyItems.departmentId))
        .where(eq(paymentBatches.id, batchId))
        .for('update', { of: paymentBatches })
    : [];
  const department = await departmentOf(tx, actor);
  if (!found || !department || !can({ ...actor, departmentId: department.id }, 'livelihood.import', { scopeCode: found.countyCode, departmentId: found.departmentId })) {
    return fail({ form: '没有找到该发放批次' }, department ? 404 : 403);
  }
  return ok({ batch: found.batch, itemName: found.itemName, countyCode: found.countyCode });
}

/** Publishes an imported batch: the village page lists it from now on. */
export async function publishBatch(db: Db, actor: Actor, batchId: string): Promise<Result> {
  if (!can(actor, 'livelihood.import')) return fail({ form: '您无权公示发放批次' }, 403);
  return db.transaction(async (tx) => {
    const locked = await lockOwnBatch(tx, actor, batchId);
    if (!locked.ok) return locked;
    const { batch, itemName } = locked.value;
    if (batch.status === 'published') return fail({ form: '该批次已经公示' });
    if (batch.status === 'withdrawn') return fail({ form: '该批次已撤回，不能再公示；如需公示请重新导入' });
    await tx.update(paymentBatches).set({ status: 'published', publishedAt: new Date(), publishedBy: actor.id }).where(eq(paymentBatches.id, batch.id));
    await recordAudit(tx, { actor, action: 'livelihood.batchPublished', subjectType: 'payment_batch', subjectId: batch.id, scopeCode: batch.villageCode, detail: { item: itemName, period: batch.period } });
    return ok();
  });
}

/** Withdraws a batch (imported or published) with a reason; its payments stay for the record and the lookup no longer shows them. */
export async function withdrawBatch(db: Db, actor: Actor, batchId: string, reasonInput: string): Promise<Result> {
  if (!can(actor, 'livelihood.import')) return fail({ form: '您无权撤回发放批次' }, 403);
  const reason = (reasonInput ?? '').trim();
  if (reason.length < 4) return fail({ reason: '请写明撤回的原因（至少4个字），如：名单有误，更正后重新导入' });
  if (reason.length > 300) return fail({ reason: '撤回原因不超过300个字' });
  const withdrawn = await db.transaction(async (tx): Promise<Result> => {
    const locked = await lockOwnBatch(tx, actor, batchId);
    if (!locked.ok) return locked;
    const { batch, itemName } = locked.value;
    if (batch.status === 'withdrawn') return fail({ form: '该批次已经撤回' });
    await tx.update(paymentBatches).set({ status: 'withdrawn', withdrawnAt: new Date(), withdrawnBy: actor.id, withdrawReason: reason }).where(eq(paymentBatches.id, batch.id));
    await recordAudit(tx, { actor, action: 'livelihood.batchWithdrawn', subjectType: 'payment_batch', subjectId: batch.id, scopeCode: batch.villageCode, detail: { item: itemName, period: batch.period, from: batch.status, reason } });
    return ok();
  });
  // A withdrawn batch no longer counts: its hits, and the ones it caused elsewhere (a second village, a shared account), are cleared.
  if (withdrawn.ok) await runChecksAfter(db, batchId);
  return withdrawn;
}
