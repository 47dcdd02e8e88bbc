import { sql } from 'drizzle-orm';
import {
  bigint,
  check,
  date,
  index,
  integer,
  numeric,
  pgTable,
  text,
  timestamp,
  unique,
  type AnyPgColumn,
} from 'drizzle-orm/pg-core';
import { areas } from './areas.ts';
import { users } from './auth.ts';

export const DISCLOSURE_STATUSES = ['draft', 'submitted', 'countersigned', 'published'] as const;
export type DisclosureStatus = (typeof DISCLOSURE_STATUSES)[number];

/**
 * One village's disclosure for one period (a quarter "2026-Q3" or a month "2026-09").
 * draft → submitted (cadre) → countersigned (supervisor) → published (commission); either review
 * step may send it back to draft with a reason. Once published the row and everything under it is
 * frozen by triggers (migration `ledgers_immutable`), and it joins the village's hash chain.
 */
export const disclosures = pgTable(
  'disclosures',
  {
    id: integer('id').primaryKey().generatedAlwaysAsIdentity(),
    villageCode: text('village_code')
      .notNull()
      .references(() => areas.code),
    period: text('period').notNull(),
    periodStart: date('period_start', { mode: 'string' }).notNull(),
    periodEnd: date('period_end', { mode: 'string' }).notNull(),
    status: text('status', { enum: DISCLOSURE_STATUSES }).notNull().default('draft'),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    createdBy: text('created_by').references(() => users.id),
    submittedAt: timestamp('submitted_at', { withTimezone: true }),
    submittedBy: text('submitted_by').references(() => users.id),
    countersignedAt: timestamp('countersigned_at', { withTimezone: true }),
    countersignedBy: text('countersigned_by').references(() => users.id),
    publishedAt: timestamp('published_at', { withTimezone: true }),
    publishedBy: text('published_by').references(() => users.id),
    /** The latest return, shown to the cadre; the full history is in disclosure_events. */
    returnReason: text('return_reason'),
    /** Balance carried from the village's previous published period (fen). */
    openingBalanceFen: bigint('opening_balance_fen', { mode: 'number' }).notNull().default(0),
    /** Position in the village's chain of published periods (1, 2, …). */
    chainSeq: integer('chain_seq'),
    contentHash: text('content_hash'),
    prevHash: text('prev_hash'),
    /**
     * The form of `content` the hash covers (canonical.ts `CONTENT_VERSION`): 1 for periods published
     * before the debts register, 2 since. Set at publication; a period keeps its form for good.
     */
    contentVersion: integer('content_version').notNull().default(1),
  },
  (t) => [
    unique('disclosures_village_period').on(t.villageCode, t.period),
    unique('disclosures_village_chain').on(t.villageCode, t.chainSeq),
    index('disclosures_status_village_idx').on(t.status, t.villageCode),
    index('disclosures_village_end_idx').on(t.villageCode, t.periodEnd),
    // The home page's latest published periods across all villages: newest first, stopping at the limit.
    index('disclosures_status_published_idx').on(t.status, t.publishedAt),
    check('disclosures_period_format', sql`${t.period} ~ '^[0-9]{4}-(Q[1-4]|0[1-9]|1[0-2])$'`),
    check(
      'disclosures_published_hash',
      sql`${t.status} <> 'published' or (${t.contentHash} is not null and ${t.chainSeq} is not null and ${t.publishedAt} is not null)`,
    ),
  ],
);

/** Every transition of a disclosure, with who, when and why (returns carry a reason). */
export const disclosureEvents = pgTable(
  'disclosure_events',
  {
    id: bigint('id', { mode: 'number' }).primaryKey().generatedAlwaysAsIdentity(),
    disclosureId: integer('disclosure_id')
      .notNull()
      .references(() => disclosures.id),
    at: timestamp('at', { withTimezone: true }).notNull().defaultNow(),
    actorId: text('actor_id').references(() => users.id),
    kind: text('kind', { enum: ['created', 'edited', 'submitted', 'withdrawn', 'countersigned', 'returned', 'published'] }).notNull(),
    fromStatus: text('from_status'),
    toStatus: text('to_status').notNull(),
    reason: text('reason'),
  },
  (t) => [index('disclosure_events_disclosure_idx').on(t.disclosureId, t.at)],
);

export const fundEntries = pgTable(
  'fund_entries',
  {
    id: bigint('id', { mode: 'number' }).primaryKey().generatedAlwaysAsIdentity(),
    disclosureId: integer('disclosure_id')
      .notNull()
      .references(() => disclosures.id),
    lineNo: integer('line_no').notNull(),
    entryDate: date('entry_date', { mode: 'string' }).notNull(),
    direction: text('direction', { enum: ['income', 'expense'] }).notNull(),
    amountFen: bigint('amount_fen', { mode: 'number' }).notNull(),
    subject: text('subject').notNull(),
    summary: text('summary').notNull(),
    counterparty: text('counterparty').notNull(),
    voucherNo: text('voucher_no'),
    method: text('method', { enum: ['transfer', 'cash'] }).notNull(),
    decisionRef: text('decision_ref'),
    adjustsEntryId: bigint('adjusts_entry_id', { mode: 'number' }).references((): AnyPgColumn => fundEntries.id),
  },
  (t) => [
    unique('fund_entries_disclosure_line').on(t.disclosureId, t.lineNo),
    index('fund_entries_disclosure_date_idx').on(t.disclosureId, t.entryDate),
    index('fund_entries_adjusts_idx').on(t.adjustsEntryId),
    check('fund_entries_amount_positive', sql`${t.amountFen} > 0`),
  ],
);

export const assetItems = pgTable(
  'asset_items',
  {
    id: bigint('id', { mode: 'number' }).primaryKey().generatedAlwaysAsIdentity(),
    disclosureId: integer('disclosure_id')
      .notNull()
      .references(() => disclosures.id),
    lineNo: integer('line_no').notNull(),
    name: text('name').notNull(),
    assetType: text('asset_type').notNull(),
    quantity: numeric('quantity', { precision: 14, scale: 2, mode: 'number' }).notNull(),
    unit: text('unit').notNull(),
    originalValueFen: bigint('original_value_fen', { mode: 'number' }).notNull(),
    acquiredOn: date('acquired_on', { mode: 'string' }),
    location: text('location').notNull(),
    useStatus: text('use_status').notNull(),
    lessee: text('lessee'),
    leaseStart: date('lease_start', { mode: 'string' }),
    leaseEnd: date('lease_end', { mode: 'string' }),
    annualRentFen: bigint('annual_rent_fen', { mode: 'number' }),
    bookAmountFen: bigint('book_amount_fen', { mode: 'number' }).notNull(),
    actualAmountFen: bigint('actual_amount_fen', { mode: 'number' }).notNull(),
    gapReason: text('gap_reason'),
  },
  (t) => [unique('asset_items_disclosure_line').on(t.disclosureId, t.lineNo)],
);

export const resourceContracts = pgTable(
  'resource_contracts',
  {
    id: bigint('id', { mode: 'number' }).primaryKey().generatedAlwaysAsIdentity(),
    disclosureId: integer('disclosure_id')
      .notNull()
      .references(() => disclosures.id),
    lineNo: integer('line_no').notNull(),
    name: text('name').notNull(),
    landClass: text('land_class').notNull(),
    areaMu: numeric('area_mu', { precision: 14, scale: 2, mode: 'number' }).notNull(),
    location: text('location').notNull(),
    contractor: text('contractor').notNull(),
    termStart: date('term_start', { mode: 'string' }).notNull(),
    termEnd: date('term_end', { mode: 'string' }).notNull(),
    annualFeeFen: bigint('annual_fee_fen', { mode: 'number' }).notNull(),
    awardMethod: text('award_method').notNull(),
    feeStatus: text('fee_status', { enum: ['paid', 'arrears'] }).notNull(),
    arrearsFen: bigint('arrears_fen', { mode: 'number' }).notNull().default(0),
  },
  (t) => [unique('resource_contracts_disclosure_line').on(t.disclosureId, t.lineNo)],
);

export type DisclosureRow = typeof disclosures.$inferSelect;
export type FundEntryRow = typeof fundEntries.$inferSelect;
export type AssetItemRow = typeof assetItems.$inferSelect;
export type ResourceContractRow = typeof resourceContracts.$inferSelect;

/**
 * The province-wide head hash of each day: a hash over every village's latest published hash,
 * computed once per day and never changed, so anyone can note it down and compare later.
 */
export const chainHeads = pgTable('chain_heads', {
  day: date('day', { mode: 'string' }).primaryKey(),
  headHash: text('head_hash').notNull(),
  villages: integer('villages').notNull(),
  computedAt: timestamp('computed_at', { withTimezone: true }).notNull().defaultNow(),
});

export type ChainHeadRow = typeof chainHeads.$inferSelect;
