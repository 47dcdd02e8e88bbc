/**
 * Livelihood funds (惠民惠农补贴, issue 14): the county departments that pay them and the subsidy
 * items (补贴项目) each department defines. Payment batches, recipients and the registries they are
 * cross-checked against come later and hang on these tables.
 *
 * A department is a row of its own, per county, rather than a name typed on each account: the
 * items belong to the department (民政局), not to whichever officer made them, so two accounts of
 * one department manage the same items, an officer who leaves takes nothing with them, and a
 * renamed department (机构改革) is one update. Accounts point at it (users.department_id).
 */
import { sql } from 'drizzle-orm';
import { bigint, boolean, check, index, pgTable, text, timestamp, unique } from 'drizzle-orm/pg-core';
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

export type LivelihoodDepartmentRow = typeof livelihoodDepartments.$inferSelect;
export type SubsidyItemRow = typeof subsidyItems.$inferSelect;
