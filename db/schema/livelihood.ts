/**
 * Livelihood funds (惠民惠农补贴, issue 14): the county departments that pay them and the subsidy
 * items (补贴项目) each department defines, and the payment batches it imports with one row per
 * payment. The import, the public lists, the lookup and the registries they are cross-checked
 * against come later and hang on these tables.
 *
 * A department is a row of its own, per county, rather than a name typed on each account: the
 * items belong to the department (民政局), not to whichever officer made them, so two accounts of
 * one department manage the same items, an officer who leaves takes nothing with them, and a
 * renamed department (机构改革) is one update. Accounts point at it (users.department_id).
 */
import { sql } from 'drizzle-orm';
import { bigint, boolean, check, date, index, integer, pgTable, text, timestamp, unique } from 'drizzle-orm/pg-core';
import { areas } from './areas.ts';
import { catalogItems } from './catalog.ts';

export const livelihoodDepartments = pgTable(
  'livelihood_departments',
  {
    id: text('id').primaryKey(),
    /** The county the department belongs to (a 6-digit prefix code padded to 12). */
    countyCode: text('county_code')
      .notNull()
      .references(() => areas.code),
    /** Its full name as it signs documents, e.g. 桑河县民政局. */
    name: text('name').notNull(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    unique('livelihood_departments_county_name').on(t.countyCode, t.name),
    check('livelihood_departments_name_length', sql`char_length(${t.name}) between 3 and 40`),
  ],
);

/**
 * A subsidy item a department pays (最低生活保障金, 耕地地力保护补贴 …). `standardFen` is the most
 * one payment of it may be, when the rule has such a figure (the later cross-check "amount above
 * the standard" reads it); `standardText` is the rule as the policy states it. The two flags say
 * which registry conflicts forbid the item (a recipient owning a vehicle, a registered business).
 * Items are retired (active = false), never deleted: payments will point at them.
 */
export const subsidyItems = pgTable(
  'subsidy_items',
  {
    id: text('id').primaryKey(),
    departmentId: text('department_id')
      .notNull()
      .references(() => livelihoodDepartments.id),
    name: text('name').notNull(),
    standardText: text('standard_text').notNull(),
    standardFen: bigint('standard_fen', { mode: 'number' }),
    legalBasis: text('legal_basis').notNull(),
    catalogCode: text('catalog_code').references(() => catalogItems.code),
    forbidsVehicle: boolean('forbids_vehicle').notNull().default(false),
    forbidsBusiness: boolean('forbids_business').notNull().default(false),
    /**
     * Whether public employees and village cadres may lawfully receive the item (耕地地力保护补贴 on
     * land they farm, 高龄津贴 for an official's parent is not theirs …): when true, the `official`
     * cross-check passes over it. False by default: most assistance (低保, 特困供养) excludes them.
     */
    officialsMayReceive: boolean('officials_may_receive').notNull().default(false),
    active: boolean('active').notNull().default(true),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    createdBy: text('created_by'),
    updatedAt: timestamp('updated_at', { withTimezone: true }),
    updatedBy: text('updated_by'),
  },
  (t) => [
    unique('subsidy_items_department_name').on(t.departmentId, t.name),
    index('subsidy_items_catalog_idx').on(t.catalogCode),
    check('subsidy_items_name_length', sql`char_length(${t.name}) between 2 and 40`),
    check('subsidy_items_standard_positive', sql`${t.standardFen} is null or ${t.standardFen} > 0`),
  ],
);

export const BATCH_STATUSES = ['imported', 'published', 'withdrawn'] as const;
export type BatchStatus = (typeof BATCH_STATUSES)[number];

/**
 * A payment batch: one item paid in one village for one period (2026-11, 2026-Q4, 2026-H2 or
 * 2026), imported all or nothing by the paying department. imported: the department sees it and
 * the cross-checks run; published: the village page lists it (公示, masked names only);
 * withdrawn: taken back with a reason, its payments kept. A supplementary batch (补发) of the same
 * item, village and period is another batch, which the "paid twice in one period" check reads.
 */
export const paymentBatches = pgTable(
  'payment_batches',
  {
    id: text('id').primaryKey(),
    itemId: text('item_id')
      .notNull()
      .references(() => subsidyItems.id),
    villageCode: text('village_code')
      .notNull()
      .references(() => areas.code),
    period: text('period').notNull(),
    status: text('status', { enum: BATCH_STATUSES }).notNull().default('imported'),
    /** SHA-256 of the imported file, so the audit log can name the very file. */
    sourceSha256: text('source_sha256').notNull(),
    importedBy: text('imported_by').notNull(),
    importedAt: timestamp('imported_at', { withTimezone: true }).notNull().defaultNow(),
    publishedAt: timestamp('published_at', { withTimezone: true }),
    publishedBy: text('published_by'),
    withdrawnAt: timestamp('withdrawn_at', { withTimezone: true }),
    withdrawnBy: text('withdrawn_by'),
    withdrawReason: text('withdraw_reason'),
  },
  (t) => [
    index('payment_batches_village_idx').on(t.villageCode, t.period),
    index('payment_batches_item_idx').on(t.itemId, t.period),
    check('payment_batches_status', sql`${t.status} in ('imported', 'published', 'withdrawn')`),
    check('payment_batches_period_format', sql`${t.period} ~ '^[0-9]{4}(-(0[1-9]|1[0-2])|-Q[1-4]|-H[12])?$'`),
    check('payment_batches_village_code', sql`${t.villageCode} ~ '^[0-9]{12}$' and right(${t.villageCode}, 3) <> '000'`),
    check('payment_batches_sha256', sql`${t.sourceSha256} ~ '^[0-9a-f]{64}$'`),
    check('payment_batches_published', sql`${t.status} = 'withdrawn' or ((${t.status} = 'published') = (${t.publishedAt} is not null))`),
    check('payment_batches_withdrawn', sql`(${t.status} = 'withdrawn') = (${t.withdrawnAt} is not null and ${t.withdrawReason} is not null)`),
  ],
);

/**
 * One payment to one person. The minimum a lookup, a public list and the cross-checks need, and
 * nothing they do not (README, "Livelihood data we hold"): no name, ID number or bank account in
 * the clear. `nameHash`, `idHash` and `bankAccountHash` are HMAC-SHA256 under LIVELIHOOD_ID_KEY
 * (livelihood/id-number.ts), each with its own prefix; `nameMasked` (张*伟) is what the public list
 * shows; `idLast4` lets staff tell two people apart.
 */
export const payments = pgTable(
  'payments',
  {
    id: bigint('id', { mode: 'number' }).primaryKey().generatedAlwaysAsIdentity(),
    batchId: text('batch_id')
      .notNull()
      .references(() => paymentBatches.id),
    /** The row of the imported file (2 = the first row under the header), for messages and references. */
    line: integer('line').notNull(),
    nameHash: text('name_hash').notNull(),
    nameMasked: text('name_masked').notNull(),
    idHash: text('id_hash').notNull(),
    idLast4: text('id_last4').notNull(),
    amountFen: bigint('amount_fen', { mode: 'number' }).notNull(),
    paidOn: date('paid_on', { mode: 'string' }).notNull(),
    bankAccountHash: text('bank_account_hash'),
    /** HMAC of the ID number of the village cadre who certified the application (审核村干部), optional: the "close relative of the certifying cadre" check. */
    certifierIdHash: text('certifier_id_hash'),
  },
  (t) => [
    unique('payments_batch_line').on(t.batchId, t.line),
    index('payments_id_hash_idx').on(t.idHash),
    index('payments_bank_account_idx').on(t.bankAccountHash),
    check('payments_amount_positive', sql`${t.amountFen} > 0`),
    check('payments_hashes', sql`${t.nameHash} ~ '^[0-9a-f]{64}$' and ${t.idHash} ~ '^[0-9a-f]{64}$' and (${t.bankAccountHash} is null or ${t.bankAccountHash} ~ '^[0-9a-f]{64}$')`),
    check('payments_certifier_hash', sql`${t.certifierIdHash} is null or ${t.certifierIdHash} ~ '^[0-9a-f]{64}$'`),
    check('payments_id_last4', sql`${t.idLast4} ~ '^[0-9]{3}[0-9X]$'`),
    check('payments_name_masked', sql`position('*' in ${t.nameMasked}) > 0 and char_length(${t.nameMasked}) <= 20`),
  ],
);

export type LivelihoodDepartmentRow = typeof livelihoodDepartments.$inferSelect;
export type SubsidyItemRow = typeof subsidyItems.$inferSelect;
export type PaymentBatchRow = typeof paymentBatches.$inferSelect;
export type PaymentRow = typeof payments.$inferSelect;
