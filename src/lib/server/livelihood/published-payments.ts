/**
 * The one way to read published payments: payment → batch → item → department → village, limited
 * to batches whose status is `published`. The public list, the open data totals and the personal
 * lookup all start here, so "what the public may see" is decided in one place: an imported or
 * withdrawn batch can never reach a public surface through a join someone forgot. The columns are
 * the public ones only (no hashes, no last four, no importer), the same for every caller.
 */
import { and, eq, type SQL } from 'drizzle-orm';
import type { PgColumn } from 'drizzle-orm/pg-core';
import { areas } from '../../../../db/schema/areas.ts';
import { livelihoodDepartments, paymentBatches, payments, subsidyItems } from '../../../../db/schema/livelihood.ts';
import type { DbOrTx } from '../db.ts';

export interface PublishedPaymentRow {
  itemId: string;
  itemName: string;
  legalBasis: string;
  departmentName: string;
  villageCode: string;
  villageName: string;
  period: string;
  publishedAt: Date;
  nameMasked: string;
  amountFen: number;
  paidOn: string;
}

/** The published payments that also meet `where`, in `orderBy` order. */
export async function publishedPayments(db: DbOrTx, where: SQL | undefined, orderBy: Array<SQL | PgColumn>): Promise<PublishedPaymentRow[]> {
  const rows = await db
    .select({
      itemId: subsidyItems.id,
      itemName: subsidyItems.name,
      legalBasis: subsidyItems.legalBasis,
      departmentName: livelihoodDepartments.name,
      villageCode: paymentBatches.villageCode,
      villageName: areas.name,
      period: paymentBatches.period,
      publishedAt: paymentBatches.publishedAt,
      nameMasked: payments.nameMasked,
      amountFen: payments.amountFen,
      paidOn: payments.paidOn,
    })
    .from(payments)
    .innerJoin(paymentBatches, eq(paymentBatches.id, payments.batchId))
    .innerJoin(subsidyItems, eq(subsidyItems.id, paymentBatches.itemId))
    .innerJoin(livelihoodDepartments, eq(livelihoodDepartments.id, subsidyItems.departmentId))
    .innerJoin(areas, eq(areas.code, paymentBatches.villageCode))
    .where(and(eq(paymentBatches.status, 'published'), where))
    .orderBy(...orderBy);
  // A published batch always has its publication time (check payment_batches_published).
  return rows.map((row) => ({ ...row, publishedAt: row.publishedAt!, amountFen: Number(row.amountFen) }));
}
