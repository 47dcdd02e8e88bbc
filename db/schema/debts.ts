import { sql } from 'drizzle-orm';
import { bigint, check, date, integer, pgTable, text, unique } from 'drizzle-orm/pg-core';
import { disclosures } from './accounts.ts';

export const DEBT_KINDS = ['receivable', 'payable'] as const;
export type DebtKind = (typeof DEBT_KINDS)[number];

/**
 * The debts register (债权债务) of a period, beside assets and resource contracts: what others owe
 * the collective (receivable) and what it owes (payable, villagers included), by counterparty, with
 * the date it arose (its age). A snapshot carried forward into each new period like the other
 * registers; frozen with its period by the `ledger_lines_guard` trigger.
 */
export const debtItems = pgTable(
  'debt_items',
  {
    id: bigint('id', { mode: 'number' }).primaryKey().generatedAlwaysAsIdentity(),
    disclosureId: integer('disclosure_id')
      .notNull()
      .references(() => disclosures.id),
    lineNo: integer('line_no').notNull(),
    kind: text('kind', { enum: DEBT_KINDS }).notNull(),
    counterparty: text('counterparty').notNull(),
    /** The subject it is kept in: 应收款, 内部往来, 应付款, 短期借款, 长期借款及应付款 … */
    subject: text('subject').notNull(),
    summary: text('summary').notNull(),
    amountFen: bigint('amount_fen', { mode: 'number' }).notNull(),
    incurredOn: date('incurred_on', { mode: 'string' }).notNull(),
    dueOn: date('due_on', { mode: 'string' }),
  },
  (t) => [unique('debt_items_disclosure_line').on(t.disclosureId, t.lineNo), check('debt_items_amount_positive', sql`${t.amountFen} > 0`)],
);

export type DebtItemRow = typeof debtItems.$inferSelect;
